package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
)

// FerretDB 1.x over SQLite applies an update by reading the matching documents, changing them in Go and writing
// them back, without one transaction around the two (FerretDB issue #3040). Two clients updating the same document
// at once both "win": a conditional claim is taken twice, an $inc is lost, a field set by one is erased by the
// other. MongoDB applies each single-document write atomically, and the services rely on that for every lease,
// claim and state move. The write gate restores it for the embedded server: clients connect to this proxy, which
// forwards everything to FerretDB's own socket but lets only one write command (of all clients) run at a time.
// Reads run freely; SQLite allowed only one writer at a time anyway.

const (
	opMsg          = 2013
	maxMessageSize = 48_000_000 + 16
	moreToCome     = 1 << 1
)

// writeCommands change documents or collections; each one runs alone.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
	"create": true, "createindexes": true, "drop": true, "dropindexes": true, "dropdatabase": true, "renamecollection": true,
}

// writeGate admits one write command at a time, across every client connection.
type writeGate chan struct{}

func newWriteGate() writeGate { return make(writeGate, 1) }

// serve proxies one client connection to FerretDB (backendAddr, a Unix socket), gating its write commands.
func serve(client net.Conn, backendAddr string, gate writeGate, logger *slog.Logger) {
	defer client.Close()
	backend, err := net.Dial("unix", backendAddr)
	if err != nil {
		logger.Error("cannot reach FerretDB", "error", err)
		return
	}
	defer backend.Close()

	held := &heldWrite{gate: gate}
	defer held.release()
	done := make(chan struct{}, 2)
	go func() { // client -> FerretDB
		defer func() { done <- struct{}{} }()
		for {
			frame, err := readFrame(client)
			if err != nil {
				return
			}
			if name, flags, ok := commandOf(frame); ok && writeCommands[strings.ToLower(name)] {
				held.acquire(requestID(frame))
				if flags&moreToCome != 0 { // no reply will come: the write is done once sent
					_, err = backend.Write(frame)
					held.release()
				} else {
					_, err = backend.Write(frame)
				}
			} else {
				_, err = backend.Write(frame)
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // FerretDB -> client
		defer func() { done <- struct{}{} }()
		for {
			frame, err := readFrame(backend)
			if err != nil {
				return
			}
			held.answered(responseTo(frame))
			if _, err := client.Write(frame); err != nil {
				return
			}
		}
	}()
	<-done // either side closed: close both (deferred), which ends the other loop
}

// heldWrite tracks the write command a connection is running, and gives the gate back exactly once.
type heldWrite struct {
	mu      sync.Mutex
	gate    writeGate
	request int32
	holding bool
}

func (h *heldWrite) acquire(request int32) {
	h.gate <- struct{}{} // waits for any other client's write (or this connection's previous one) to be answered
	h.mu.Lock()
	h.request, h.holding = request, true
	h.mu.Unlock()
}

func (h *heldWrite) answered(responseTo int32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holding && h.request == responseTo {
		h.holding = false
		<-h.gate
	}
}

func (h *heldWrite) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holding {
		h.holding = false
		<-h.gate
	}
}

// readFrame reads one wire-protocol message (header included).
func readFrame(conn io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(conn, header[:]); err != nil {
		return nil, err
	}
	size := int32(binary.LittleEndian.Uint32(header[0:4]))
	if size < 16 || size > maxMessageSize {
		return nil, errors.New("bad message length")
	}
	frame := make([]byte, size)
	copy(frame, header[:])
	if _, err := io.ReadFull(conn, frame[16:]); err != nil {
		return nil, err
	}
	return frame, nil
}

func requestID(frame []byte) int32  { return int32(binary.LittleEndian.Uint32(frame[4:8])) }
func responseTo(frame []byte) int32 { return int32(binary.LittleEndian.Uint32(frame[8:12])) }

// commandOf names the command of an OP_MSG (the first key of its body section) and returns its flag bits.
func commandOf(frame []byte) (string, uint32, bool) {
	if len(frame) < 21 || binary.LittleEndian.Uint32(frame[12:16]) != opMsg {
		return "", 0, false
	}
	flags := binary.LittleEndian.Uint32(frame[16:20])
	for at := 20; at+5 <= len(frame); {
		kind := frame[at]
		size := int(binary.LittleEndian.Uint32(frame[at+1 : at+5]))
		if size < 5 || at+1+size > len(frame) {
			return "", 0, false
		}
		if kind == 0 { // body: a BSON document whose first element is the command
			body := frame[at+1 : at+1+size]
			if len(body) < 7 {
				return "", 0, false
			}
			end := bytes.IndexByte(body[5:], 0)
			if end < 0 {
				return "", 0, false
			}
			return string(body[5 : 5+end]), flags, true
		}
		at += 1 + size // a document sequence: skip it
	}
	return "", 0, false
}
