#!/usr/bin/env bash
# Shows the smart mirror full-screen in Chromium: waits until the server answers /api/health, then
# starts Chromium in kiosk mode and starts it again whenever it exits or crashes.
# Raspberry Pi OS (Bookworm, labwc/wayfire or X11), Debian and Ubuntu. See docs/deployment.md.
#
# Environment (all optional):
#   SMARTMIRROR_URL            page to show                    (default http://localhost:8080/)
#   CHROMIUM                   browser binary                  (default chromium, else chromium-browser)
#   SMARTMIRROR_KIOSK_PROFILE  Chromium profile directory      (default ~/.config/smartmirror-kiosk)
#   SMARTMIRROR_KIOSK_RESTART_DELAY  seconds between restarts  (default 3)
#   SMARTMIRROR_KIOSK_FLAGS    extra Chromium flags, space-separated
set -euo pipefail

url="${SMARTMIRROR_URL:-http://localhost:8080/}"
health="${url%/}/api/health"
# The health URL lives at the server's root even when the page is a sub-path.
if [[ "$url" =~ ^(https?://[^/]+) ]]; then health="${BASH_REMATCH[1]}/api/health"; fi
origin="${health%/api/health}"
delay="${SMARTMIRROR_KIOSK_RESTART_DELAY:-3}"
profile="${SMARTMIRROR_KIOSK_PROFILE:-${HOME:-/tmp}/.config/smartmirror-kiosk}"
browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
  browser="$(command -v chromium || command -v chromium-browser || true)"
fi
if [[ -z "$browser" ]]; then
  echo "smartmirror-kiosk: Chromium not found; install it (sudo apt install chromium) or set CHROMIUM" >&2
  exit 1
fi

log() { echo "smartmirror-kiosk: $*" >&2; }

child=""
stop() {
  if [[ -n "$child" ]]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  exit 0
}
trap stop TERM INT HUP

healthy() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 3 "$health" 2>/dev/null
  else
    wget -q -O /dev/null -T 3 "$health" 2>/dev/null
  fi
}

wait_for_server() {
  local waited=0
  until healthy; do
    if (( waited % 30 == 0 )); then log "waiting for $health"; fi
    sleep 1 &
    wait $! || true
    waited=$((waited + 1))
  done
}

# Screen blanking would turn the mirror dark between customers (X11 only; Wayland compositors use their own idle settings).
if [[ -n "${DISPLAY:-}" ]] && command -v xset >/dev/null 2>&1; then
  xset s off -dpms s noblank 2>/dev/null || true
fi

mkdir -p "$profile"
flags=(
  --kiosk
  --noerrdialogs
  --disable-infobars
  --disable-session-crashed-bubble
  --check-for-update-interval=31536000
  --autoplay-policy=no-user-gesture-required
  --overscroll-history-navigation=0
  --disable-pinch
  --no-first-run
  --password-store=basic
  "--user-data-dir=$profile"
)
# getUserMedia needs a secure context: localhost is one, a LAN address over http is not.
if [[ ! "$origin" =~ ^https:// && ! "$origin" =~ ^http://(localhost|127\.0\.0\.1)(:|$) ]]; then
  flags+=("--unsafely-treat-insecure-origin-as-secure=$origin")
fi
if [[ -n "${SMARTMIRROR_KIOSK_FLAGS:-}" ]]; then
  read -r -a extra <<<"$SMARTMIRROR_KIOSK_FLAGS"
  flags+=("${extra[@]}")
fi

while true; do
  wait_for_server
  # A crash leaves "exit_type":"Crashed" behind, and Chromium would greet the next start with a restore bar.
  prefs="$profile/Default/Preferences"
  if [[ -f "$prefs" ]]; then
    sed -i 's/"exit_type":"Crashed"/"exit_type":"Normal"/; s/"exited_cleanly":false/"exited_cleanly":true/' "$prefs" || true
  fi
  log "starting $browser at $url"
  "$browser" "${flags[@]}" "$url" &
  child=$!
  status=0
  wait "$child" || status=$?
  child=""
  log "Chromium exited with status $status; restarting in ${delay}s"
  sleep "$delay" &
  wait $! || true
done
