# Every third-party dependency is found here, once, from Debian's packages
# (tools/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)
find_package(TBB REQUIRED)
find_package(assimp REQUIRED)
find_package(Bullet REQUIRED)
find_package(Vulkan REQUIRED)
find_package(meshoptimizer REQUIRED)
# Debian ships OpenVDB's FindOpenVDB.cmake module (needs libboost-iostreams-dev), not a config.
list(APPEND CMAKE_MODULE_PATH /usr/lib/x86_64-linux-gnu/cmake/OpenVDB)
find_package(OpenVDB REQUIRED)
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavcodec libavformat libavutil libswscale)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

find_program(GLSLC glslc REQUIRED)


# Bullet's Debian config exports variables, not targets: wrap them in one.
if(NOT TARGET silt_bullet)
  add_library(silt_bullet INTERFACE)
  target_include_directories(silt_bullet SYSTEM INTERFACE ${BULLET_INCLUDE_DIRS})
  target_link_libraries(silt_bullet INTERFACE BulletDynamics BulletCollision LinearMath)
endif()
# HACD (approximate convex decomposition) from libbullet-extras-dev: standalone, no Bullet types.
if(NOT TARGET silt_hacd)
  find_library(SILT_HACD_LIBRARY NAMES HACD REQUIRED)
  add_library(silt_hacd INTERFACE)
  target_include_directories(silt_hacd SYSTEM INTERFACE ${BULLET_INCLUDE_DIRS})
  target_link_libraries(silt_hacd INTERFACE ${SILT_HACD_LIBRARY})
endif()
