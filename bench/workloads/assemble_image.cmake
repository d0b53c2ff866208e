# Assembles the built-in image's root filesystem around the workloads already built into
# ${ROOTFS}/bin. Run at build time with
#   cmake -DROOTFS=<dir> -DRESERVED_NAMES=<a,b,...> -DBUSYBOX=<path> -P assemble_image.cmake
# Idempotent: files are only rewritten when their content differs.

cmake_minimum_required(VERSION 3.25)

foreach(_var ROOTFS RESERVED_NAMES BUSYBOX)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "assemble_image.cmake: -D${_var}=... is required")
  endif()
endforeach()
string(REPLACE "," ";" RESERVED_NAMES "${RESERVED_NAMES}")

# --- Directory skeleton -------------------------------------------------------------
# Mount points (dev, proc, sys, run) stay empty: the runner mounts over them. An empty usr
# too: systemd-nspawn refuses a tree without /usr as no OS.
foreach(_dir bin dev proc sys tmp etc root run usr)
  file(MAKE_DIRECTORY "${ROOTFS}/${_dir}")
endforeach()
# Sticky and world-writable like a real /tmp, for workloads running as nobody.
# file(CHMOD) has no keyword for the sticky bit, hence chmod(1).
execute_process(COMMAND chmod 1777 "${ROOTFS}/tmp" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "assemble_image.cmake: chmod 1777 ${ROOTFS}/tmp failed: ${_rc}")
endif()
# The mount point of the start FIFO that bench binds in for runsc (kStartFifoInside): on a
# read-only root runsc would otherwise create it in this directory at its first run.
if(NOT EXISTS "${ROOTFS}/run/isobench-start")
  file(TOUCH "${ROOTFS}/run/isobench-start")
endif()

# --- /etc ------------------------------------------------------------------------------
# file(CONFIGURE) leaves the file untouched when the content is unchanged.
file(CONFIGURE OUTPUT "${ROOTFS}/etc/passwd" @ONLY CONTENT
"root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
")
file(CONFIGURE OUTPUT "${ROOTFS}/etc/group" @ONLY CONTENT
"root:x:0:
nogroup:x:65534:
")
file(CONFIGURE OUTPUT "${ROOTFS}/etc/hostname" @ONLY CONTENT "isobench\n")

# --- Optional busybox ------------------------------------------------------------------

# Reads an unsigned integer of <size> bytes at <offset> of an ELF file; empty on short read.
function(_read_elf_uint path offset size little_endian out_var)
  file(READ "${path}" _hex OFFSET ${offset} LIMIT ${size} HEX)
  string(LENGTH "${_hex}" _len)
  math(EXPR _wanted "${size} * 2")
  if(NOT _len EQUAL _wanted)
    set(${out_var} "" PARENT_SCOPE)
    return()
  endif()
  if(little_endian)
    set(_swapped "")
    math(EXPR _last "${_len} - 1")
    foreach(_i RANGE 0 ${_last} 2)
      math(EXPR _pos "${_len} - 2 - ${_i}")
      string(SUBSTRING "${_hex}" ${_pos} 2 _byte)
      string(APPEND _swapped "${_byte}")
    endforeach()
    set(_hex "${_swapped}")
  endif()
  math(EXPR _value "0x${_hex}" OUTPUT_FORMAT DECIMAL)
  set(${out_var} ${_value} PARENT_SCOPE)
endfunction()

# Sets <out_var> to TRUE if <path> is an ELF executable without a PT_INTERP program header,
# i.e. one that needs no dynamic loader (static or static-pie). Reading the headers
# ourselves avoids depending on file(1) being installed on the build host.
function(_elf_is_static path out_var)
  set(${out_var} FALSE PARENT_SCOPE)
  file(READ "${path}" _ident LIMIT 6 HEX)
  if(NOT _ident MATCHES "^7f454c46(0[12])(0[12])$")
    return()
  endif()
  set(_le FALSE)
  if(CMAKE_MATCH_2 STREQUAL "01")
    set(_le TRUE)
  endif()
  if(CMAKE_MATCH_1 STREQUAL "02") # ELF64
    _read_elf_uint("${path}" 32 8 ${_le} _phoff)
    _read_elf_uint("${path}" 54 2 ${_le} _phentsize)
    _read_elf_uint("${path}" 56 2 ${_le} _phnum)
  else() # ELF32
    _read_elf_uint("${path}" 28 4 ${_le} _phoff)
    _read_elf_uint("${path}" 42 2 ${_le} _phentsize)
    _read_elf_uint("${path}" 44 2 ${_le} _phnum)
  endif()
  if(_phoff STREQUAL "" OR _phentsize STREQUAL "" OR _phnum STREQUAL "" OR _phnum EQUAL 0)
    return()
  endif()
  math(EXPR _last "${_phnum} - 1")
  foreach(_i RANGE 0 ${_last})
    math(EXPR _offset "${_phoff} + ${_i} * ${_phentsize}")
    _read_elf_uint("${path}" ${_offset} 4 ${_le} _type)
    if(_type STREQUAL "" OR _type EQUAL 3) # 3 = PT_INTERP
      return()
    endif()
  endforeach()
  set(${out_var} TRUE PARENT_SCOPE)
endfunction()

if(NOT EXISTS "${BUSYBOX}")
  message(STATUS "Built-in image: ${BUSYBOX} not found, image has no shell "
                 "(apt-get install busybox-static to add one)")
  return()
endif()
file(REAL_PATH "${BUSYBOX}" _busybox_real)
_elf_is_static("${_busybox_real}" _busybox_static)
if(NOT _busybox_static)
  message(STATUS "Built-in image: ${BUSYBOX} is not statically linked, image has no shell "
                 "(install busybox-static instead of busybox)")
  return()
endif()

file(COPY_FILE "${_busybox_real}" "${ROOTFS}/bin/busybox" ONLY_IF_DIFFERENT)
file(CHMOD "${ROOTFS}/bin/busybox" PERMISSIONS
     OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

execute_process(COMMAND "${_busybox_real}" --list
                OUTPUT_VARIABLE _applets RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "assemble_image.cmake: '${_busybox_real} --list' failed: ${_rc}")
endif()
# CMake lists do not split inside unbalanced square brackets, and busybox has the
# applets "[" and "[[": carry them through the list encoded, decode each name.
string(REPLACE "[" "<lb>" _applets "${_applets}")
string(REPLACE "]" "<rb>" _applets "${_applets}")
string(REGEX REPLACE "\n+$" "" _applets "${_applets}")
string(REPLACE "\n" ";" _applets "${_applets}")

set(_linked 0)
foreach(_applet IN LISTS _applets)
  string(REPLACE "<lb>" "[" _applet "${_applet}")
  string(REPLACE "<rb>" "]" _applet "${_applet}")
  set(_link "${ROOTFS}/bin/${_applet}")
  # Our workloads win over applets of the same name; never link busybox to itself.
  if(_applet IN_LIST RESERVED_NAMES OR _applet STREQUAL "busybox" OR _applet MATCHES "/")
    continue()
  endif()
  if(IS_SYMLINK "${_link}")
    file(READ_SYMLINK "${_link}" _target)
    if(_target STREQUAL "busybox")
      math(EXPR _linked "${_linked} + 1")
      continue()
    endif()
    file(REMOVE "${_link}")
  elseif(EXISTS "${_link}")
    continue() # a real file someone put there; not ours to replace
  endif()
  # Relative, so the link stays valid wherever the rootfs is mounted.
  file(CREATE_LINK busybox "${_link}" SYMBOLIC)
  math(EXPR _linked "${_linked} + 1")
endforeach()
message(STATUS "Built-in image: busybox with ${_linked} applet links")

# The built-in image's record for `isobench images` (runner/image/builtin_image.h): an id that
# changes exactly when the image's contents do (a sha256 over every entry's path, type, size
# and content digest or link target), its size and the time of its newest file. Computed here
# because the static isobench has no sha256 of its own; rewritten only when it differs.
file(GLOB_RECURSE _entries LIST_DIRECTORIES true RELATIVE "${ROOTFS}" "${ROOTFS}/*")
# The applets "[" and "[[" again (see above): encoded while the list is a list.
string(REPLACE "[" "<lb>" _entries "${_entries}")
string(REPLACE "]" "<rb>" _entries "${_entries}")
list(SORT _entries)
set(_listing "")
set(_size 0)
set(_newest "")
foreach(_entry IN LISTS _entries)
  string(REPLACE "<lb>" "[" _entry "${_entry}")
  string(REPLACE "<rb>" "]" _entry "${_entry}")
  set(_path "${ROOTFS}/${_entry}")
  if(IS_SYMLINK "${_path}")
    file(READ_SYMLINK "${_path}" _target)
    string(APPEND _listing "${_entry} l ${_target}\n")
  elseif(IS_DIRECTORY "${_path}")
    string(APPEND _listing "${_entry} d\n")
  else()
    file(SIZE "${_path}" _file_size)
    file(SHA256 "${_path}" _file_digest)
    string(APPEND _listing "${_entry} f ${_file_size} ${_file_digest}\n")
    math(EXPR _size "${_size} + ${_file_size}")
    file(TIMESTAMP "${_path}" _stamp "%Y-%m-%dT%H:%M:%SZ" UTC)
    if(_stamp STRGREATER _newest)
      set(_newest "${_stamp}")
    endif()
  endif()
endforeach()
string(SHA256 _image_id "${_listing}")
get_filename_component(_image_dir "${ROOTFS}" DIRECTORY)
file(WRITE "${_image_dir}/builtin.json.new"
     "{\"id\": \"sha256:${_image_id}\", \"size\": ${_size}, \"created\": \"${_newest}\"}\n")
file(COPY_FILE "${_image_dir}/builtin.json.new" "${_image_dir}/builtin.json" ONLY_IF_DIFFERENT)
file(REMOVE "${_image_dir}/builtin.json.new")
