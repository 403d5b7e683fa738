#!/usr/bin/env bash
# Installs the Debian packages Cordon builds and tests against (Debian 12, as root or with
# sudo). Safe to run again: it only calls apt-get when something is missing.
set -euo pipefail

packages=(
  pkg-config
  libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev libdeflate-dev libwebp-dev libgif-dev  # image decoding
  postgresql postgresql-client  # the hub's production database; tests start a throwaway server
  ffmpeg  # video decoding (vPDQ) and the test videos
  python3 python3-venv  # the real clients the tests run (python-threatexchange from PyPI, in a throwaway venv)
  chromium chromium-driver  # the pages, tested in a real headless browser over WebDriver
  python3-dev g++ libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavdevice-dev libavfilter-dev  # the PyPI vpdq reference, compiled in a throwaway venv
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: no Swift toolchain on PATH; install Swift 6 (swift.org) and run again" >&2
  exit 1
fi
