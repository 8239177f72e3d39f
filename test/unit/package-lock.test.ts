import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  readonly version?: string;
  readonly integrity?: string;
  readonly optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> };

/**
 * npm 11, run on one platform, can leave other platforms' optional packages out of the lockfile;
 * `npm ci` then fails on a machine of another platform (or installs no prebuilt llama.cpp at all).
 */
describe('package-lock.json', () => {
  it.each(['node-llama-cpp', 'onnxruntime-node'])("pins every platform's optional package of %s, with its integrity", (name) => {
    const optional = Object.keys(lock.packages[`node_modules/${name}`]?.optionalDependencies ?? {});
    const unpinned = optional.filter((dependency) => {
      const locked = lock.packages[`node_modules/${dependency}`];
      return !locked?.version || !locked.integrity;
    });
    expect(unpinned).toEqual([]);
  });

  it("holds node-llama-cpp's prebuilt binaries for Linux, macOS and Windows, CPU and GPU", () => {
    const optional = Object.keys(lock.packages['node_modules/node-llama-cpp']?.optionalDependencies ?? {});
    expect(optional).toEqual(
      expect.arrayContaining(['@node-llama-cpp/linux-x64', '@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-vulkan', '@node-llama-cpp/mac-arm64-metal', '@node-llama-cpp/win-x64']),
    );
  });
});
