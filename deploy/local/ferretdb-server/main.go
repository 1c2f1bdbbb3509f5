// Command ferretdb-server runs FerretDB v1 (MongoDB wire protocol over SQLite) for the local stack and tests.
//
// It embeds github.com/FerretDB/FerretDB/ferretdb rather than building cmd/ferretdb with `go install`: a binary
// built that way panics at start-up because its build/version/version.txt is only written by FerretDB's own
// release tooling. Telemetry is disabled by the embedded package.
//
// FerretDB itself listens on a private Unix socket; clients connect to -listen-addr, a proxy that runs write
// commands one at a time, so that each is atomic as in MongoDB (see write_gate.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite URI of the data directory (must end with /)")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var logLevel slog.Level
	if err := logLevel.UnmarshalText([]byte(*level)); err != nil {
		slog.Error("bad -log-level", "error", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel}))

	removeStaleSockets(logger)
	socket := filepath.Join(os.TempDir(), fmt.Sprintf("ferretdb-server-%d.sock", os.Getpid()))
	_ = os.Remove(socket)
	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	stopped := make(chan error, 1)
	go func() { stopped <- server.Run(ctx) }()

	// Clients are let in once FerretDB answers on its socket (the stack waits for this port to open).
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if conn, err := net.Dial("unix", socket); err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			logger.Error("FerretDB did not open its socket", "socket", socket)
			os.Exit(1)
		}
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		logger.Error("cannot listen", "addr", *listen, "error", err)
		os.Exit(1)
	}
	go func() {
		<-ctx.Done()
		listener.Close()
	}()

	gate := newWriteGate()
	logger.Info("FerretDB listening", "addr", *listen)
	go func() {
		for {
			client, err := listener.Accept()
			if err != nil {
				return
			}
			go serve(client, socket, gate, logger)
		}
	}()
	if err := <-stopped; err != nil && ctx.Err() == nil {
		logger.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
	_ = os.Remove(socket)
}

// removeStaleSockets removes the private sockets of ferretdb-server processes that are gone: a killed process
// (the fault campaign kills the database on purpose) cannot remove its own, and they piled up in the temp folder.
func removeStaleSockets(logger *slog.Logger) {
	paths, _ := filepath.Glob(filepath.Join(os.TempDir(), "ferretdb-server-*.sock"))
	for _, path := range paths {
		var pid int
		if _, err := fmt.Sscanf(filepath.Base(path), "ferretdb-server-%d.sock", &pid); err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
			if os.Remove(path) == nil {
				logger.Info("removed the socket of a stopped ferretdb-server", "socket", path)
			}
		}
	}
}
