// Kernels of the shape op family: none. cat/stack/pad(constant) write into views of a fresh output
// with the 'copy' kernel; flip/repeat/tile/pad(reflect|replicate|circular)/triu/tril are compositions
// of views, copies and the indexing ops (kernels 'gather', 'scatter', 'where').
export {};
