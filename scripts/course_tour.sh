#!/usr/bin/env bash
# The container course's Docker CLI lesson, end to end and without a daemon: pull, images,
# run -d, ps, logs, stop, ps -a, rm, rmi, against a registry of its own on 127.0.0.1. Each
# step says in one line, in English and in Korean, what it shows. The image is a busybox
# root made here and pushed with `isobench push` (nothing is downloaded). Everything lives in
# a temporary store and runtime directory, removed at the end.
# Usage: scripts/course_tour.sh [BUILD_DIR]   (root; docker-registry, curl, busybox-static)
set -euo pipefail
build=$(realpath "${1:-build}")
here=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
# shellcheck source=scripts/benchmark_lib.sh
source "$here/benchmark_lib.sh"
for tool in docker-registry curl tar python3 /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "course_tour: needs $tool (./scripts/setup.sh build installs it)" >&2; exit 2; }
done
isobench=$build/isobench
work=$(mktemp -d /tmp/isobench-course-XXXXXX)
export ISOBENCH_STORE=$work/store ISOBENCH_RUNTIME_DIR=$work/run
registry_pid=
finish() {
  "$isobench" rm -f $("$isobench" ps -aq 2>/dev/null) >/dev/null 2>&1 || true
  [[ -n "$registry_pid" ]] && { kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap finish EXIT

step() {
  echo
  echo "== \$ isobench $*"
  echo "   $english"
  echo "   $korean"
  "$isobench" "$@"
}

start_registry
image=$registry/course/web:1
mkdir -p "$work"/root/{bin,proc,dev,sys,tmp,etc}
cp /bin/busybox "$work/root/bin/"
for tool in sh echo sleep date cat; do ln -s busybox "$work/root/bin/$tool"; done
tar -C "$work/root" -cf "$work/root.tar" .
"$isobench" import --change 'CMD ["/bin/sh", "-c", "while true; do echo served at $(date); sleep 1; done"]' \
  "$work/root.tar" "$image" >/dev/null
"$isobench" push "$image" >/dev/null
"$isobench" rmi "$image" >/dev/null
echo "A registry runs at $registry with the image $image (a teacher's registry, or Docker Hub)."

english="pull: the client fetches the image's layers from the registry into the local store."
korean="pull: 클라이언트가 레지스트리에서 이미지 레이어를 받아 로컬 저장소에 넣습니다."
step pull "$image"
english="images: the store now holds the image, a read-only template for containers."
korean="images: 저장소에 이미지가 생겼습니다. 컨테이너를 만드는 읽기 전용 템플릿입니다."
step images
english="run -d: a container from the image, in the background; no daemon: a small monitor is its parent."
korean="run -d: 이미지로 컨테이너를 백그라운드에서 실행합니다. 데몬 없이 작은 모니터가 부모가 됩니다."
step run -d --name web "$image"
sleep 2
english="ps: the running containers, read straight from the store and the kernel."
korean="ps: 실행 중인 컨테이너 목록입니다. 저장소와 커널에서 바로 읽습니다."
step ps
english="logs: what the container printed, kept by its monitor."
korean="logs: 컨테이너가 출력한 내용으로, 모니터가 보관합니다."
step logs --tail 2 web
english="stop: SIGTERM to the container's init, then SIGKILL after the grace time (-t)."
korean="stop: 컨테이너의 init에 SIGTERM을 보내고, 유예 시간(-t) 뒤 SIGKILL을 보냅니다."
step stop -t 1 web
english="ps -a: a stopped container is still there, with its exit code and its files."
korean="ps -a: 멈춘 컨테이너도 종료 코드와 파일을 가진 채 남아 있습니다."
step ps -a
english="rm: removes the container and its writable layer."
korean="rm: 컨테이너와 쓰기 가능한 레이어를 지웁니다."
step rm web
english="rmi: removes the image; layers no other image uses go too."
korean="rmi: 이미지를 지웁니다. 다른 이미지가 쓰지 않는 레이어도 함께 지워집니다."
step rmi "$image"
