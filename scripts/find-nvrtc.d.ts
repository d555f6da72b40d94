/** A folder holding libnvrtc.so*, or undefined when none is found. */
export function nvrtcLibraryDir(): string | undefined;
