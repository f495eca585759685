# Builds the SM2 addon (zw_sm2.node) against the OpenSSL that is linked into Node itself: the
# headers come from Node's include directory (nodedir), and the OpenSSL symbols resolve against
# the running node binary at load time, so no system libssl is needed or used.
{
  "targets": [
    {
      "target_name": "zw_sm2",
      "sources": ["src/sm2_addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"]
    }
  ]
}
