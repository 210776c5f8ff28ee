# Installing aperture (docs/install.md): `cmake --install build [--prefix DIR]`, or the Debian packages
# `cpack --config build/CPackConfig.cmake` makes: `aperture` (the tool, its examples and docs) and
# `aperture-dev` (the libraries, headers, CMake package and pkg-config file a program builds against).
include(CMakePackageConfigHelpers)

set(APERTURE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/aperture)
install(EXPORT apertureTargets NAMESPACE aperture:: DESTINATION ${APERTURE_CMAKE_DIR} COMPONENT development)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/apertureConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/apertureConfig.cmake INSTALL_DESTINATION ${APERTURE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/apertureConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/apertureConfig.cmake ${PROJECT_BINARY_DIR}/apertureConfigVersion.cmake
        DESTINATION ${APERTURE_CMAKE_DIR} COMPONENT development)
# The .pc file finds the prefix from where it lies, so it is right for `--prefix DIR` and DESTDIR installs too.
file(RELATIVE_PATH APERTURE_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/aperture.pc.in ${PROJECT_BINARY_DIR}/aperture.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/aperture.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT development)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT runtime)
# Opt-in: the administrator copies it into /etc/libvirt/hooks/qemu.d/ (README.md "The libvirt hook").
install(PROGRAMS ${PROJECT_SOURCE_DIR}/contrib/libvirt/aperture-qemu-hook DESTINATION ${CMAKE_INSTALL_DATADIR}/aperture/libvirt
        COMPONENT runtime)

set(CPACK_PACKAGE_NAME aperture)
set(CPACK_PACKAGE_VENDOR "aperture developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "predicts the guest-physical address map (RAM, MMIO windows, every BAR) QEMU/Xen and their firmware build")
set(CPACK_PACKAGE_CONTACT "aperture developers <aperture@localhost>")
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# dpkg-shlibdeps names the shared libraries the tool links (fmt, pugixml, libstdc++) as Debian packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `aperture host` names devices from pci.ids when it is installed.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS pci.ids)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME aperture)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME aperture-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libfmt-dev, nlohmann-json3-dev, libpugixml-dev")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SHLIBDEPS OFF)
include(CPack)
