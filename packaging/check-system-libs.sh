#!/bin/sh
# Qt's xcb and offscreen platforms need a few system libraries that pip cannot install
# (QtNetwork links Kerberos' GSSAPI; the bundle uses the system's C++ runtime).
# Name each missing one with the Debian/Ubuntu package that provides it, then stop.
[ "$(uname -s)" = "Linux" ] || exit 0
command -v ldconfig >/dev/null 2>&1 || [ -x /sbin/ldconfig ] || exit 0
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
libs=$($LDCONFIG -p 2>/dev/null)
missing=""
check() { # soname package
    echo "$libs" | grep -q "$1" || missing="$missing $2"
}
check libEGL.so.1 libegl1
check libGL.so.1 libgl1
check libfontconfig.so.1 libfontconfig1
check libxkbcommon.so.0 libxkbcommon0
check libxkbcommon-x11.so.0 libxkbcommon-x11-0
check libdbus-1.so.3 libdbus-1-3
check libglib-2.0.so.0 libglib2.0-0
check libxcb-cursor.so.0 libxcb-cursor0
check libxcb-icccm.so.4 libxcb-icccm4
check libxcb-keysyms.so.1 libxcb-keysyms1
check libxcb-image.so.0 libxcb-image0
check libxcb-render-util.so.0 libxcb-render-util0
check libxcb-shape.so.0 libxcb-shape0
check libxcb-randr.so.0 libxcb-randr0
check libxcb-xkb.so.1 libxcb-xkb1
check libstdc++.so.6 libstdc++6
check libgssapi_krb5.so.2 libgssapi-krb5-2
if [ -n "$missing" ]; then
    echo "Qt needs system libraries that are missing:$missing" >&2
    echo "Install them with: sudo apt-get install$missing" >&2
    exit 1
fi
