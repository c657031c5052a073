import { describe, expect, it } from "vitest";
import { parseCreateBody } from "./create.ts";

async function refused(text: string | null) {
  const body = parseCreateBody(text);
  if (body.ok) throw new Error("expected a refusal");
  return {
    status: body.refusal.status,
    body: (await body.refusal.json()) as { error: { code: string; message: string } },
  };
}

describe("parseCreateBody", () => {
  it("reads an empty body as no options, and a full one as given", () => {
    expect(parseCreateBody("")).toEqual({ ok: true, value: {} });
    expect(parseCreateBody("  \n")).toEqual({ ok: true, value: {} });
    expect(parseCreateBody('{"name":" Tech ","symbols":["AAPL"]}')).toEqual({
      ok: true,
      value: { name: "Tech", symbols: ["AAPL"] },
    });
  });

  it("refuses a body over the limit with 413", async () => {
    expect(await refused(null)).toMatchObject({
      status: 413,
      body: { error: { code: "too_large" } },
    });
  });

  it.each([
    ["not JSON", "{nope", "JSON"],
    ["an array", "[]", "the body must be"],
    ["a lower-case symbol", '{"symbols":["aapl"]}', "AAPL"],
  ])("refuses %s with 400 saying why", async (_why, text, words) => {
    const r = await refused(text);
    expect(r).toMatchObject({ status: 400, body: { error: { code: "bad_request" } } });
    expect(r.body.error.message).toContain(words);
  });
});
