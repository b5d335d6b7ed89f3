import type { TagLib } from 'taglib-wasm';

let instance: Promise<TagLib> | null = null;

/**
 * The TagLib WebAssembly module, loaded on first use, once per thread (about 40 ms; imported lazily so the app's
 * start does not pay for it).
 *
 * The Emscripten build is forced on purpose: on Node, taglib-wasm picks its WASI build by default, which saves
 * by re-sending every tag field through its own serialisation and loses data no genre write may touch (it turned
 * "3/9" track numbers into "3" and dropped MP4 items in our tests). The Emscripten build calls TagLib itself, which
 * leaves every frame it is not asked to change as it was.
 */
export function loadTagLib(): Promise<TagLib> {
  instance ??= import('taglib-wasm')
    .then(({ TagLib }) => TagLib.initialize({ forceWasmType: 'emscripten' }))
    .catch((error: unknown) => {
      instance = null;
      throw error;
    });
  return instance;
}
