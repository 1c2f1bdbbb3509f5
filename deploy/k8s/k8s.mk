# Kubernetes manifests (deploy/k8s/README.md), included by the Makefile. Paths are relative to this file, so it
# also works as `make -f deploy/k8s/k8s.mk k8s-validate`. validate.sh also needs node_modules (make deps).
K8S_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

.PHONY: k8s-tools k8s-validate k8s-schemas

# kustomize and kubeconform into .tools/bin, pinned, from the Go module proxy; installs nothing the second time.
k8s-tools:
	@bash $(K8S_DIR)/install-tools.sh

# Renders every overlay (and the migration) into .data/k8s/rendered/ and validates it: kubeconform -strict against
# the shipped schemas, then the promises of check-manifests.mjs. Fails on any problem.
k8s-validate: k8s-tools
	@bash $(K8S_DIR)/validate.sh

# Regenerates the shipped JSON schemas from their pinned sources (schemas/README.md); not part of make test.
k8s-schemas:
	@bash $(K8S_DIR)/schemas/generate.sh
