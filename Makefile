# Shortcuts; the scripts in bin/ do the work and also run without make.
#   make demo     set up and serve the demo at http://127.0.0.1:8000 (bin/demo)
#   make test     the whole test suite (bin/test); pass pytest arguments with ARGS="tests/deploy -q"
#   make lint     ruff on the code
#   make vendor   refresh the vendored front-end files from the npm registry (static/vendor/VERSIONS.md)

SHELL := /bin/bash
VENV ?= .venv
ARGS ?=

# Pinned versions of the vendored front-end files; keep static/vendor/VERSIONS.md in step.
UTRECHT_CSS := @utrecht/component-library-css@9.0.4
UTRECHT_TOKENS := @utrecht/design-tokens@5.0.1
HTMX := htmx.org@2.0.11
HTMX_SSE := htmx-ext-sse@2.2.4
AXE := axe-core@4.14.1

.PHONY: help demo test ci lint vendor

help:
	@sed -n '2,5s/^#//p' Makefile

demo:
	bin/demo

test:
	bin/test $(ARGS)

ci:
	.ci/run

lint:
	$(VENV)/bin/ruff check .

# npm pack fetches each package's published tarball (no node_modules, no install scripts run).
vendor:
	@set -euo pipefail; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	unpack() { \
		local spec="$$1" dir="$$tmp/$$2" tarball; \
		tarball="$$(cd "$$tmp" && npm pack --silent "$$spec" | tail -n 1)"; \
		mkdir -p "$$dir" && tar -xzf "$$tmp/$$tarball" -C "$$dir"; \
	}; \
	unpack $(UTRECHT_CSS) css; unpack $(UTRECHT_TOKENS) tokens; unpack $(HTMX) htmx; unpack $(HTMX_SSE) sse; unpack $(AXE) axe; \
	mkdir -p static/vendor/utrecht static/vendor/htmx static/vendor/htmx-ext-sse tests/e2e/vendor; \
	cp "$$tmp/css/package/dist/index.css" static/vendor/utrecht/component-library.css; \
	cp "$$tmp/css/package/LICENSE.md" static/vendor/utrecht/LICENSE-component-library.md; \
	cp "$$tmp/tokens/package/dist/theme.css" static/vendor/utrecht/design-tokens.css; \
	cp "$$tmp/tokens/package/LICENSE.md" static/vendor/utrecht/LICENSE-design-tokens.md; \
	cp "$$tmp/htmx/package/dist/htmx.min.js" static/vendor/htmx/htmx.min.js; \
	cp "$$tmp/htmx/package/LICENSE" static/vendor/htmx/LICENSE; \
	cp "$$tmp/sse/package/dist/sse.min.js" static/vendor/htmx-ext-sse/sse.min.js; \
	cp "$$tmp/sse/package/LICENSE" static/vendor/htmx-ext-sse/LICENSE; \
	cp "$$tmp/axe/package/axe.min.js" tests/e2e/vendor/axe.min.js; \
	cp "$$tmp/axe/package/LICENSE" tests/e2e/vendor/LICENSE-axe-core; \
	echo "Vendored $(UTRECHT_CSS) $(UTRECHT_TOKENS) $(HTMX) $(HTMX_SSE) $(AXE); see static/vendor/VERSIONS.md"
