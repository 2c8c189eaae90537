# Banten Satu Data.  `make run` brings the portal up; `make test` runs every test.
.PHONY: run dev stop test bench lint

run:
	@bash scripts/run.sh

dev:
	@bash scripts/run.sh --dev

stop:
	@bash scripts/stop.sh

test:
	@bash scripts/test.sh

lint:
	@.venv/bin/ruff check .
