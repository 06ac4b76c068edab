# The strict warning set of STYLE.md (C11), as errors.
set(GALOIS_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wvla -Wformat=2 -Wwrite-strings
    -Wstrict-prototypes -Wold-style-definition -Wmissing-prototypes -Wimplicit-fallthrough
    -Wcast-qual -Wcast-align -Wconversion -Wsign-conversion -Wundef -Wnull-dereference)
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  list(APPEND GALOIS_WARNINGS -Wshorten-64-to-32 -Wcomma -Wassign-enum)
elseif(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  list(APPEND GALOIS_WARNINGS -Wformat-signedness -Wduplicated-cond)
endif()
add_compile_options(-fno-common -fstack-protector-strong)
if(CMAKE_BUILD_TYPE STREQUAL "Release" AND NOT GALOIS_SANITIZE)
  add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
