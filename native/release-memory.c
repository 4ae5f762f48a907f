/*
 * glibc's malloc_trim for spanlite: glibc keeps the pages freed inside its heap, where a burst
 * of ingest leaves tens of MB that no later free() gives back. Elsewhere (musl, macOS) it does
 * nothing.
 */
#include <node_api.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* true when glibc gave memory back to the system. */
static napi_value trim(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#ifdef __GLIBC__
  released = malloc_trim(0);
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "trim", NAPI_AUTO_LENGTH, trim, NULL, &fn);
  napi_set_named_property(env, exports, "trim", fn);
  return exports;
}
