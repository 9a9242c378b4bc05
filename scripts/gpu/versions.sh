# Pinned versions of the optional GPU route (sourced by the scripts in this folder; docs/gpu.md).
#  - webgpu: the npm package with Dawn's prebuilt Node binding (dist/<platform>-<arch>/dawn.node).
#  - Mesa: bookworm-backports' Mesa 25 (lavapipe gives Dawn an adapter; bookworm's 22.3 does not:
#    "shaderUniform*ArrayDynamicIndexing required").
WEBGPU_VERSION=0.6.2
MESA_VERSION=25.0.7-2~bpo12+1
BACKPORTS_SUITE=bookworm-backports
