/**
 * The first step of reading any server frame: JSON that is an object, or null. Each room's
 * state module then checks the fields its frame types need.
 */
export function readFrame(text: string): Record<string, unknown> | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof data === "object" && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : null;
}
