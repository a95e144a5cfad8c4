#!/usr/bin/env bash
# make test-browser: run notebooks/01-tutorial.ipynb in JupyterLab in a real headless Chromium
# and use the FilterBuilder through the page (tests/browser). Installs what it needs first:
# Debian's chromium (apt-get, as root) and Playwright for Python (pip, into .venv; Playwright's
# own browser download is never used). Screenshots go to docs/img/.
#
# Settings: POSTHOG_FRAMES_BROWSER_TIMEOUT (seconds for the whole test run, default 300),
# POSTHOG_FRAMES_CHROMIUM (default /usr/bin/chromium), POSTHOG_FRAMES_BROWSER_NOTEBOOK,
# POSTHOG_FRAMES_SCREENSHOTS (a folder); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
CHROMIUM=${POSTHOG_FRAMES_CHROMIUM:-/usr/bin/chromium}
TIME_LIMIT=${POSTHOG_FRAMES_BROWSER_TIMEOUT:-300}
INSTALL_LIMIT=600  # apt-get on a machine without chromium took ~50 s here
run_pid=""

fail() {
    echo "test-browser: FAILED: $*" >&2
    exit 1
}

# Stop the test run's process group on any exit: SIGINT first, so pytest tears its fixtures
# down (JupyterLab and its kernels, Chromium, the temporary folder), then SIGKILL.
cleanup() {
    if [[ -n $run_pid ]] && kill -0 -- "-$run_pid" 2>/dev/null; then
        echo "test-browser: stopping the test processes" >&2
        kill -INT -- "-$run_pid" 2>/dev/null || true
        for _ in $(seq 40); do
            kill -0 -- "-$run_pid" 2>/dev/null || return 0
            sleep 0.5
        done
        kill -KILL -- "-$run_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -x $BIN/python ]] || fail "no $BIN/python: run \`make test-browser\`, which creates the venv"

if [[ ! -x $CHROMIUM ]]; then
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
        fail "Chromium not found at $CHROMIUM; install Debian's package: sudo apt-get install -y chromium"
    fi
    echo "test-browser: installing Debian's chromium with apt-get…"
    started=$SECONDS
    timeout "$INSTALL_LIMIT" apt-get update -qq || fail "apt-get update did not succeed"
    DEBIAN_FRONTEND=noninteractive timeout "$INSTALL_LIMIT" apt-get install -y -qq chromium \
        >/dev/null || fail "apt-get install chromium did not succeed"
    echo "test-browser: chromium installed in $((SECONDS - started)) s"
    [[ -x $CHROMIUM ]] || fail "apt-get installed chromium, but $CHROMIUM is still missing"
fi

if ! "$BIN/python" -c "import playwright.sync_api" 2>/dev/null; then
    echo "test-browser: installing Playwright for Python into $BIN…"
    spec=("playwright>=1.45")
    grep -qE '^browser *=' pyproject.toml && spec=(-e ".[browser]")  # the extra, once it exists
    timeout "$INSTALL_LIMIT" "$BIN/python" -m pip install --quiet "${spec[@]}" \
        || fail "pip could not install Playwright"
fi

# timeout(1) runs pytest in a process group of its own, which cleanup() stops as a whole; at the
# limit it sends SIGINT (fixtures are torn down), and SIGKILL 20 s later.
started=$SECONDS
env -u POSTHOG_PERSONAL_API_KEY -u POSTHOG_HOST -u POSTHOG_PROJECT_ID -u POSTHOG_FRAMES_DEMO \
    POSTHOG_FRAMES_BROWSER=1 POSTHOG_FRAMES_CHROMIUM="$CHROMIUM" \
    timeout -s INT -k 20 "$TIME_LIMIT" "$BIN/python" -m pytest tests/browser -p no:cacheprovider "$@" &
run_pid=$!
status=0
wait "$run_pid" || status=$?
elapsed=$((SECONDS - started))
if [[ $status == 124 || $status == 130 || $status == 137 ]] && ((elapsed >= TIME_LIMIT)); then
    fail "the browser tests did not finish within $TIME_LIMIT s"
elif [[ $status != 0 ]]; then
    fail "pytest exited with $status after $elapsed s (see the failures above)"
fi
echo "test-browser: passed in $elapsed s; screenshots in ${POSTHOG_FRAMES_SCREENSHOTS:-docs/img}/"
