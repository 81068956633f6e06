#!/usr/bin/env bash
# Sets up the kiosk for the current desktop user on Raspberry Pi OS / Debian / Ubuntu:
# Chromium + camera policy for the mirror's origin, and start on login (autostart + labwc).
# Run as the desktop user (it calls sudo for the system-wide policy):  deploy/kiosk/install.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
launcher="$here/smartmirror-kiosk.sh"

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  sudo apt-get install -y chromium || sudo apt-get install -y chromium-browser
fi

# Debian's chromium reads /etc/chromium, Ubuntu's/older Raspberry Pi OS chromium-browser reads /etc/chromium-browser.
for dir in /etc/chromium/policies/managed /etc/chromium-browser/policies/managed; do
  sudo mkdir -p "$dir"
  sudo install -m 0644 "$here/chromium-policy.json" "$dir/smartmirror.json"
done

# The user must be able to open the camera.
if ! id -nG "$USER" | grep -qw video; then
  sudo usermod -aG video "$USER"
  echo "install: added $USER to the video group; log out and back in"
fi

mkdir -p "$HOME/.config/autostart"
sed "s#^Exec=.*#Exec=$launcher#" "$here/smartmirror-kiosk.desktop" >"$HOME/.config/autostart/smartmirror-kiosk.desktop"

# Raspberry Pi OS Bookworm with labwc does not read XDG autostart entries for every session type.
if [[ -d "$HOME/.config/labwc" ]] || command -v labwc >/dev/null 2>&1; then
  mkdir -p "$HOME/.config/labwc"
  touch "$HOME/.config/labwc/autostart"
  grep -qF "$launcher" "$HOME/.config/labwc/autostart" || echo "$launcher &" >>"$HOME/.config/labwc/autostart"
fi
echo "install: the kiosk starts on the next login ($launcher)"
