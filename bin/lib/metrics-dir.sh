# Sourced by bin/run and bin/serve: every web and worker process they start writes its metric
# files here and /metrics sums them (README "Metrics"); files of a previous run are dropped.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PWD/.metrics}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
