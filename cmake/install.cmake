# What `cmake --install` puts where (GNUInstallDirs layout under CMAKE_INSTALL_PREFIX):
#   lib/libgalois.so.* and lib/libgalois.a, include/galois/*.h, lib/pkgconfig/galois.pc,
#   lib/cmake/galois/{galoisConfig,galoisConfigVersion,galoisTargets*}.cmake; the `galois`
#   command is installed by the top CMakeLists.txt. DESTDIR is honoured throughout.
include(CMakePackageConfigHelpers)

set(GALOIS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/galois)

install(TARGETS galois galois_static
        EXPORT galoisTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/galois
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

# CMake package: exported targets galois::galois and galois::galois_static.
install(EXPORT galoisTargets NAMESPACE galois:: DESTINATION ${GALOIS_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/galoisConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/galoisConfig.cmake
                              INSTALL_DESTINATION ${GALOIS_CMAKE_DIR})
# 0.x: only the same minor version promises the same API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/galoisConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/galoisConfig.cmake
              ${PROJECT_BINARY_DIR}/galoisConfigVersion.cmake
        DESTINATION ${GALOIS_CMAKE_DIR})

# pkg-config: galois.pc is written at install time, so its prefix is the one installed to,
# also when `cmake --install --prefix DIR` overrides the configured CMAKE_INSTALL_PREFIX.
# libssl and libcrypto (and libgcrypt and Nettle, when built with them) come in through
# Requires.private; libosip2 and libsndfile through Libs.private (Debian ships no static
# libsndfile, and sndfile.pc's private list names codec libraries a user may not have).
set(GALOIS_PC_REQUIRES_PRIVATE "libssl >= 3.0.0, libcrypto >= 3.0.0")
if(GALOIS_HAVE_LIBGCRYPT)
  string(APPEND GALOIS_PC_REQUIRES_PRIVATE ", libgcrypt >= 1.8")
endif()
if(GALOIS_HAVE_NETTLE)
  string(APPEND GALOIS_PC_REQUIRES_PRIVATE ", nettle >= 3.4")
endif()
install(CODE "
  set(galois_pc_in \"${PROJECT_SOURCE_DIR}/cmake/galois.pc.in\")
  set(galois_pc_out \"${PROJECT_BINARY_DIR}/galois.pc\")
  set(galois_pc_libdir \"${CMAKE_INSTALL_LIBDIR}\")
  set(galois_pc_includedir \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(GALOIS_PC_VERSION \"${PROJECT_VERSION}\")
  set(GALOIS_PC_REQUIRES_PRIVATE \"${GALOIS_PC_REQUIRES_PRIVATE}\")
")
install(CODE [[
  set(GALOIS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  foreach(dir libdir includedir)
    if(IS_ABSOLUTE "${galois_pc_${dir}}")
      set(galois_pc_full_${dir} "${galois_pc_${dir}}")
    else()
      set(galois_pc_full_${dir} "${CMAKE_INSTALL_PREFIX}/${galois_pc_${dir}}")
    endif()
  endforeach()
  string(REPLACE "${CMAKE_INSTALL_PREFIX}/" "\${prefix}/" GALOIS_PC_LIBDIR "${galois_pc_full_libdir}")
  string(REPLACE "${CMAKE_INSTALL_PREFIX}/" "\${prefix}/" GALOIS_PC_INCLUDEDIR
         "${galois_pc_full_includedir}")
  configure_file("${galois_pc_in}" "${galois_pc_out}" @ONLY)
  file(INSTALL DESTINATION "${galois_pc_full_libdir}/pkgconfig" TYPE FILE FILES "${galois_pc_out}")
]])
