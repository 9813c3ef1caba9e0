#!/usr/bin/env bash
# build-deb.sh VERSION ARCH OUTDIR: builds OUTDIR/checkin_VERSION_ARCH.deb
# with dpkg-deb from a staged tree (no Debian source package, no new Go
# dependency). `make deb` calls it; the Makefile passes the linker flags
# that stamp the version, commit and build date (LDFLAGS), so that the
# binary and the package say the same, and GO (the go command).
#
# VERSION must be the version LDFLAGS stamps (-X main.version=…): the
# package is the binary's version, never another. ARCH is a Debian
# architecture: amd64 or arm64.
set -euo pipefail

usage() { echo "usage: LDFLAGS='…' $0 VERSION amd64|arm64 OUTDIR" >&2; exit 2; }
[ $# -eq 3 ] || usage
version=$1 arch=$2 outdir=$3
case $arch in amd64 | arm64) ;; *) echo "build-deb.sh: architecture $arch: want amd64 or arm64" >&2; exit 2 ;; esac
: "${LDFLAGS:?build-deb.sh: LDFLAGS not set (run it through make deb)}"
GO=${GO:-go}
MAINTAINER=${MAINTAINER:-checkin maintainers <maintainers@users.noreply.r-seed-bde9ea40.example>}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

# ldflag NAME prints the value LDFLAGS gives main.NAME.
ldflag() {
	local v
	v=$(printf '%s\n' "$LDFLAGS" | tr ' ' '\n' | sed -n "s/^main\.$1=//p")
	if [ -z "$v" ]; then
		echo "build-deb.sh: LDFLAGS has no -X main.$1=…: $LDFLAGS" >&2
		exit 2
	fi
	printf '%s' "$v"
}
stamped=$(ldflag version) commit=$(ldflag commit) built=$(ldflag buildDate)
if [ "$stamped" != "$version" ]; then
	echo "build-deb.sh: VERSION $version but LDFLAGS stamps $stamped: the package must carry the binary's version" >&2
	exit 2
fi
if ! dpkg --validate-version "$version" 2>/dev/null; then
	echo "build-deb.sh: $version is not a Debian version: $(dpkg --validate-version "$version" 2>&1)" >&2
	exit 2
fi
# A native package: a Debian revision (a hyphen) would say otherwise.
case $version in *-*) echo "build-deb.sh: version $version has a hyphen (a Debian revision); checkin is a native package" >&2; exit 2 ;; esac

mkdir -p "$outdir"
deb="$(cd "$outdir" && pwd)/checkin_${version}_${arch}.deb"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
umask 022

# The binary, for that architecture, exactly as make build builds it.
install -d "$root/usr/bin"
(cd "$top" && CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$GO" build -trimpath -ldflags "$LDFLAGS" -o "$root/usr/bin/checkin" ./cmd/checkin)
chmod 0755 "$root/usr/bin/checkin"

# Units (bookworm's lintian wants them in /lib/systemd/system).
install -d "$root/lib/systemd/system"
for u in checkin-kiosk checkin-registry checkin-entrance; do
	install -m 0644 "$here/$u.service" "$root/lib/systemd/system/"
done

# Environment files: conffiles, so dpkg keeps an operator's edits.
install -d "$root/etc/checkin"
for f in kiosk registry entrance; do
	install -m 0644 "$here/$f.env" "$root/etc/checkin/"
done

# Documentation: copyright, changelog, the install guide, the build.
doc=$root/usr/share/doc/checkin
install -d "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$here/README.Debian" "$doc/README.Debian"
install -m 0644 "$top/docs/install.md" "$doc/install.md"
# The changelog's date is the build date, so two builds of one commit
# with one SOURCE_DATE_EPOCH are the same file.
changed=$(date -u -R -d "$built")
{
	printf 'checkin (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Build of commit %s,\n' "$commit"
	printf '    built %s. The project history has the changes.\n\n' "$built"
	printf ' -- %s  %s\n' "$MAINTAINER" "$changed"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
printf 'version: %s\ncommit: %s\nbuild_date: %s\n' "$version" "$commit" "$built" >"$doc/BUILD"
chmod 0644 "$doc/BUILD"

install -d "$root/usr/share/man/man1"
sed -e "s/@DATE@/${built%%T*}/" -e "s/@VERSION@/$version/" "$here/checkin.1" | gzip -9n >"$root/usr/share/man/man1/checkin.1.gz"
chmod 0644 "$root/usr/share/man/man1/checkin.1.gz"

if [ -s "$here/lintian-overrides" ]; then
	install -d "$root/usr/share/lintian/overrides"
	install -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/checkin"
fi

# Every file and directory dated at the build date (reproducible).
find "$root" -exec touch -h -d "$built" {} +

# Control area.
ctl=$root/DEBIAN
install -d "$ctl"
for s in postinst prerm postrm; do
	install -m 0755 "$here/$s" "$ctl/$s"
done
(cd "$root" && find etc -type f | sed 's,^,/,' | sort) >"$ctl/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$ctl/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$ctl/control" <<CONTROL
Package: checkin
Version: $version
Architecture: $arch
Maintainer: $MAINTAINER
Installed-Size: $size
Depends: adduser
Recommends: fonts-noto-core, fonts-noto-cjk
Suggests: cage, chromium, sqlite3
Section: net
Priority: optional
X-Checkin-Commit: $commit
X-Checkin-Build-Date: $built
Description: badge check-in for large meetings (kiosk and registry)
 checkin reads RFID or QR badges from serial readers at a venue's
 entrances, checks delegates in against the pre-registration list kept in
 a local SQLite database and shows each result on an entrance screen. It
 keeps working when the network does not; a central registry collects the
 kiosks' check-ins.
 .
 This package installs the checkin program, systemd units for the kiosk,
 the registry and the entrance screen (Chromium in kiosk mode under cage),
 and their configuration in /etc/checkin. Nothing starts until the
 operator enables it: see /usr/share/doc/checkin/install.md.
CONTROL
for s in conffiles md5sums control; do chmod 0644 "$ctl/$s"; done

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
