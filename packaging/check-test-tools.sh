#!/bin/sh
# The integration tests drive real programs: an X server, a tray host, a notification daemon
# on a private D-Bus, a sound server, and the desktop-file validators. Name each missing one
# with the Debian/Ubuntu package that provides it, then stop (make test runs this first).
[ "$(uname -s)" = "Linux" ] || exit 0
missing=""
check() { # command package
    command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
check Xvfb xvfb
check dbus-daemon dbus-daemon
check dbus-monitor dbus-bin
check trayer trayer
check dunst dunst
check xwininfo x11-utils
check xdotool xdotool
check desktop-file-validate desktop-file-utils
check appstreamcli appstream
check unshare util-linux
check pulseaudio pulseaudio
check pactl pulseaudio-utils
if [ -n "$missing" ]; then
    echo "The integration tests need programs that are missing:$missing" >&2
    echo "Install them with: sudo apt-get install$missing" >&2
    exit 1
fi
