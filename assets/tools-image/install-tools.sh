#!/bin/sh
# Installs each "distribution=version" argument unless the image already has that exact version, so a
# base image that carries the pinned tools builds offline. Run by the Dockerfile at build time.
set -eu

if ! command -v python3 >/dev/null 2>&1; then
  echo "cicd tools image: the base image has no python3; pass --base an image with Python 3" >&2
  exit 1
fi

wanted=""
for pin in "$@"; do
  name=${pin%%=*}
  version=${pin#*=}
  [ -n "$version" ] || continue
  have=$(python3 -c 'import sys, importlib.metadata as m; print(m.version(sys.argv[1]))' "$name" 2>/dev/null || true)
  if [ "$have" = "$version" ]; then
    echo "cicd tools image: $name $version already present"
  else
    echo "cicd tools image: $name $version needed (base has ${have:-none})"
    wanted="$wanted $name==$version"
  fi
done

[ -n "$wanted" ] || exit 0
names=$(printf '%s\n' $wanted | sed 's/==.*//; s/^/--without /' | tr '\n' ' ' | sed 's/ *$//')

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "cicd tools image: cannot install$wanted: the base image has no pip." >&2
  echo "Pass --base an image that has pip, or one that already carries these versions," >&2
  echo "or leave them out of the image: cicd tools build $names" >&2
  exit 1
fi
# Debian-based images mark their Python as externally managed; this image is the tools' only user.
if ! PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=15 \
    python3 -m pip install --no-cache-dir --retries 1 $wanted; then
  echo "cicd tools image: pip could not install$wanted." >&2
  echo "PyPI is probably unreachable from this machine. Build where PyPI is reachable, or pass --base an" >&2
  echo "image that already carries these versions (for example one built from Debian's packages)," >&2
  echo "or leave them out of the image: cicd tools build $names" >&2
  exit 1
fi
