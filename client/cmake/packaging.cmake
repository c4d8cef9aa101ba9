# The C++ SDK as a Debian package, built with CPack from the install rules
# of the sdk component:
#   cpack --config build/release/CPackConfig.cmake -B build/release/packages
# makes libbilateral-client-dev_<version>_<arch>.deb: the shared and static
# libraries, the headers (generated ones under include/bilateral/gen), the
# CMake package and the pkg-config file, under /usr. It depends on the
# Debian packages whose headers the SDK's headers include.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libbilateral-client-dev)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR bilateral)
set(CPACK_PACKAGE_CONTACT "bilateral maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C++ SDK of the bilateral.v1 gRPC API")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL sdk)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_PACKAGE_NAME libbilateral-client-dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgrpc++-dev (>= 1.51), libprotobuf-dev (>= 3.21), libabsl-dev (>= 0~20220623)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libgmock-dev")
include(CPack)
