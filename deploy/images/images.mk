# Container image targets, included from the Makefile (paths are relative to the repository root).
#   make images        builds the one image of every service: contactactivityexport:$(VERSION)
#   make images-lint   hadolint on the Dockerfile, then the image's runtime layout (deploy/images/check-layout.sh)
.PHONY: images images-lint

IMAGE ?= contactactivityexport
VERSION ?= $(shell git describe --always --dirty 2>/dev/null)
# Supported builders, tried in this order; all three take `build -f FILE -t TAG DIR`. Docker counts only when its
# engine answers (a docker CLI without an engine is common); IMAGE_BUILDER=podman (say) chooses one outright.
IMAGE_BUILDERS := docker podman buildah
IMAGE_BUILDER ?=
# Extra builder flags, e.g. IMAGE_BUILD_ARGS="--platform linux/arm64 --pull".
IMAGE_BUILD_ARGS ?=

images:
	@set -euo pipefail; builder="$(IMAGE_BUILDER)"; \
	if [ -z "$(VERSION)" ]; then echo "make images: no VERSION (git describe failed); set VERSION=..." >&2; exit 1; fi; \
	if [ -n "$$builder" ]; then \
	  command -v "$$builder" >/dev/null || { echo "make images: IMAGE_BUILDER=$$builder is not on PATH" >&2; exit 1; }; \
	else \
	  for candidate in $(IMAGE_BUILDERS); do \
	    command -v "$$candidate" >/dev/null || continue; \
	    if [ "$$candidate" = docker ] && ! docker info >/dev/null 2>&1; then \
	      echo "make images: docker is on PATH but its engine does not answer; trying the next builder" >&2; continue; \
	    fi; \
	    builder=$$candidate; break; \
	  done; \
	fi; \
	if [ -z "$$builder" ]; then \
	  echo "make images: no usable container builder; supported: $(IMAGE_BUILDERS) (docker with its engine running)" >&2; \
	  exit 1; \
	fi; \
	echo "$$builder build $(IMAGE_BUILD_ARGS) -f deploy/images/Dockerfile -t $(IMAGE):$(VERSION) ."; \
	"$$builder" build $(IMAGE_BUILD_ARGS) -f deploy/images/Dockerfile -t "$(IMAGE):$(VERSION)" .; \
	runner=$$builder; [ "$$runner" != buildah ] || runner=podman; \
	echo "built $(IMAGE):$(VERSION) with $$builder; run one service: $$runner run --rm $(IMAGE):$(VERSION) <service>"

# The layout check runs against dist/ as it is (make test builds first); without a dist/ it builds one.
images-lint: deps
	@bash deploy/images/install-hadolint.sh
	.tools/bin/hadolint --no-color --config deploy/images/.hadolint.yaml deploy/images/Dockerfile
	@[ -f dist/tools/runtime/start.js ] || $(MAKE) build
	bash deploy/images/check-layout.sh
