#!/bin/sh
# Add Leadership Reader to the applications menu of the user who runs this (no root needed):
# a .desktop entry whose Exec points at this unpacked folder, and the icon. Run it again after
# moving the folder. --system writes to /usr/local/share instead (run as root) for every user.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
app="$here/LeadershipReader/LeadershipReader"
if [ ! -x "$app" ]; then
    echo "install-desktop-entry.sh: $app is missing; unpack the whole archive first." >&2
    exit 2
fi
share="${XDG_DATA_HOME:-$HOME/.local/share}"
if [ "${1:-}" = "--system" ]; then
    share=/usr/local/share
fi
mkdir -p "$share/applications" "$share/icons/hicolor/scalable/apps"
cp "$here/leadership-reader.svg" "$share/icons/hicolor/scalable/apps/leadership-reader.svg"
# The template says "reader"; the menu needs the absolute path of the windowed executable.
sed "s|^Exec=reader |Exec=\"$app\" |" "$here/leadership-reader.desktop" \
    > "$share/applications/leadership-reader.desktop"
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$share/applications" || true
echo "Added Leadership Reader to the applications menu ($share/applications)."
