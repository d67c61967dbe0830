/**
 * Camera discovery for `devices` and `--video auto`: Video4Linux device nodes and the names the kernel gives them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A camera device node. */
export interface CameraInfo {
  /** Device path, e.g. `/dev/video0`. */
  device: string;
  /** The driver's name for it (from sysfs), or the device's base name when sysfs has none. */
  name: string;
}

/** Where to look; tests point these at temporary folders. */
export interface CameraScanOptions {
  /** Default `/dev`. */
  devDir: string;
  /** Default `/sys/class/video4linux`. */
  sysDir: string;
}

/**
 * Lists `/dev/video*` nodes in numeric order with their sysfs names. Never throws: a missing `/dev` or sysfs
 * gives an empty list or bare names. (A camera often has two nodes, the second for metadata; both are listed, as
 * `v4l2-ctl --list-devices` does.)
 */
export async function listCameras(options: Partial<CameraScanOptions> = {}): Promise<CameraInfo[]> {
  const devDir = options.devDir ?? '/dev';
  const sysDir = options.sysDir ?? '/sys/class/video4linux';
  let entries: string[];
  try {
    entries = await readdir(devDir);
  } catch {
    return [];
  }
  const nodes = entries
    .map((e) => /^video(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[0]);
  return Promise.all(
    nodes.map(async (node) => {
      let name = node;
      try {
        name = (await readFile(join(sysDir, node, 'name'), 'utf8')).trim() || node;
      } catch {
        // no sysfs entry: keep the node name
      }
      return { device: join(devDir, node), name };
    }),
  );
}
