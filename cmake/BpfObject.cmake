# BPF programs and their libbpf skeletons, built like libbpf-bootstrap's bpf_object():
#
#   isobench_bpf_object(NAME syscall SOURCE bpf/syscall.bpf.c [HEADERS bpf/syscall.h ...])
#
# compiles SOURCE with clang for the BPF target into <NAME>.bpf.o and generates the skeleton
# <NAME>.skel.h (struct <NAME>_bpf) with bpftool, both in ISOBENCH_BPF_GENERATED_DIR, and
# defines the INTERFACE target <NAME>_skel: link it to build the skeleton first and find it.
#
# Two things are settable at configure time:
# - the architecture the programs are built for (`__TARGET_ARCH_<arch>`, which bpf_tracing.h
#   needs for its register accessors) follows CMAKE_SYSTEM_PROCESSOR, so a cross build gets
#   its target's; ISOBENCH_BPF_TARGET_ARCH overrides it.
# - VMLINUX_H: a vmlinux.h to use as it is (another kernel's, a cross build's, a machine
#   without BTF). Empty, the default, generates one from VMLINUX_BTF, this kernel's BTF.
# Nothing here is committed: every output lives in the build tree.
include_guard(GLOBAL)

find_program(CLANG_EXECUTABLE NAMES clang clang-14)
find_program(BPFTOOL_EXECUTABLE NAMES bpftool PATHS /usr/sbin /sbin)
if(NOT CLANG_EXECUTABLE)
  message(FATAL_ERROR "clang is needed to build the BPF probes: apt-get install clang (or -DISOBENCH_WITH_BPF=OFF)")
endif()
if(NOT BPFTOOL_EXECUTABLE)
  message(FATAL_ERROR "bpftool is needed to build the BPF probes: apt-get install bpftool (or -DISOBENCH_WITH_BPF=OFF)")
endif()

# CMAKE_SYSTEM_PROCESSOR spellings to the names the kernel's (and libbpf's) headers use.
function(_isobench_bpf_arch processor out)
  string(TOLOWER "${processor}" processor)
  if(processor MATCHES "^(x86_64|amd64|i[3-6]86|x86)$")
    set(arch x86)
  elseif(processor MATCHES "^(aarch64|arm64)")
    set(arch arm64)
  elseif(processor MATCHES "^arm")
    set(arch arm)
  elseif(processor MATCHES "^(ppc|powerpc)")
    set(arch powerpc)
  elseif(processor MATCHES "^s390")
    set(arch s390)
  elseif(processor MATCHES "^riscv")
    set(arch riscv)
  elseif(processor MATCHES "^loongarch")
    set(arch loongarch)
  elseif(processor MATCHES "^mips")
    set(arch mips)
  else()
    message(FATAL_ERROR "no BPF target architecture known for CMAKE_SYSTEM_PROCESSOR '${processor}': "
                        "set -DISOBENCH_BPF_TARGET_ARCH=<x86|arm64|...> (or -DISOBENCH_WITH_BPF=OFF)")
  endif()
  set(${out} ${arch} PARENT_SCOPE)
endfunction()

if(NOT ISOBENCH_BPF_TARGET_ARCH)
  _isobench_bpf_arch("${CMAKE_SYSTEM_PROCESSOR}" _isobench_detected_arch)
  set(ISOBENCH_BPF_TARGET_ARCH ${_isobench_detected_arch} CACHE STRING
      "Architecture the BPF programs are built for (__TARGET_ARCH_<arch>); detected from CMAKE_SYSTEM_PROCESSOR")
endif()

set(VMLINUX_H "" CACHE FILEPATH "A vmlinux.h to build the BPF programs with; empty: generate one from VMLINUX_BTF")
set(VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "BTF of the kernel the probes are built for (when VMLINUX_H is empty)")
set(ISOBENCH_BPF_GENERATED_DIR ${CMAKE_CURRENT_BINARY_DIR}/generated)
set(_isobench_vmlinux_h ${ISOBENCH_BPF_GENERATED_DIR}/vmlinux.h)

# The programs include "vmlinux.h" by that name: a given one is copied under it.
if(VMLINUX_H)
  if(NOT EXISTS ${VMLINUX_H})
    message(FATAL_ERROR "VMLINUX_H=${VMLINUX_H} does not exist")
  endif()
  add_custom_command(
    OUTPUT ${_isobench_vmlinux_h}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ISOBENCH_BPF_GENERATED_DIR}
    COMMAND ${CMAKE_COMMAND} -E copy ${VMLINUX_H} ${_isobench_vmlinux_h}
    DEPENDS ${VMLINUX_H}
    COMMENT "Using ${VMLINUX_H} as vmlinux.h")
else()
  if(NOT EXISTS ${VMLINUX_BTF})
    message(FATAL_ERROR "${VMLINUX_BTF} is missing: the kernel has no BTF "
                        "(pass -DVMLINUX_H=/path/to/vmlinux.h, or -DISOBENCH_WITH_BPF=OFF)")
  endif()
  add_custom_command(
    OUTPUT ${_isobench_vmlinux_h}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ISOBENCH_BPF_GENERATED_DIR}
    COMMAND ${BPFTOOL_EXECUTABLE} btf dump file ${VMLINUX_BTF} format c > ${_isobench_vmlinux_h}
    COMMENT "Generating vmlinux.h from ${VMLINUX_BTF}")
endif()

function(isobench_bpf_object)
  cmake_parse_arguments(PARSE_ARGV 0 BPF "" "NAME;SOURCE" "HEADERS")
  if(NOT BPF_NAME OR NOT BPF_SOURCE)
    message(FATAL_ERROR "isobench_bpf_object needs NAME and SOURCE")
  endif()
  get_filename_component(source ${BPF_SOURCE} ABSOLUTE)
  get_filename_component(source_dir ${source} DIRECTORY)
  set(object ${ISOBENCH_BPF_GENERATED_DIR}/${BPF_NAME}.bpf.o)
  set(skeleton ${ISOBENCH_BPF_GENERATED_DIR}/${BPF_NAME}.skel.h)
  add_custom_command(
    OUTPUT ${object}
    COMMAND ${CLANG_EXECUTABLE} -g -O2 -target bpf -D__TARGET_ARCH_${ISOBENCH_BPF_TARGET_ARCH}
            -I${ISOBENCH_BPF_GENERATED_DIR} -I${source_dir} -c ${source} -o ${object}
    DEPENDS ${source} ${BPF_HEADERS} ${_isobench_vmlinux_h}
    COMMENT "Compiling BPF program ${BPF_NAME}")
  add_custom_command(
    OUTPUT ${skeleton}
    COMMAND ${BPFTOOL_EXECUTABLE} gen skeleton ${object} name ${BPF_NAME}_bpf > ${skeleton}
    DEPENDS ${object}
    COMMENT "Generating the ${BPF_NAME} skeleton")
  add_custom_target(${BPF_NAME}_skel_files DEPENDS ${skeleton})
  add_library(${BPF_NAME}_skel INTERFACE)
  add_dependencies(${BPF_NAME}_skel ${BPF_NAME}_skel_files)
  target_include_directories(${BPF_NAME}_skel INTERFACE ${ISOBENCH_BPF_GENERATED_DIR})
endfunction()
