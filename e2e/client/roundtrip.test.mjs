// @ts-check
// A client generated from the OpenAPI document of examples/api, used against
// the running example: openapi-typescript turns the document into the
// types of ./api.d.ts, tsc checks this file against them (so a call the
// document does not allow fails before it runs), and openapi-fetch sends
// the requests. TestGeneratedClient in ../openapi_test.go runs it with
// node --test, with API_BASE_URL and API_TOKEN set.
import { test } from "node:test";
import assert from "node:assert/strict";
import createClient from "openapi-fetch";

/** @typedef {import("./api.js").paths} paths */
/** @typedef {import("./api.js").components["schemas"]} schemas */

const baseUrl = process.env.API_BASE_URL;
const token = process.env.API_TOKEN;
if (!baseUrl || !token) {
	throw new Error("API_BASE_URL and API_TOKEN must be set");
}

/** @type {import("openapi-fetch").Client<paths>} */
const client = createClient({ baseUrl });
const auth = { Authorization: `Bearer ${token}` };

test("a note's life through the generated client", async () => {
	const created = await client.POST("/api/v1/notes", {
		headers: auth,
		body: { title: "Buy milk", body: "two litres", tags: ["home"] },
	});
	assert.equal(created.response.status, 201, JSON.stringify(created.error));
	assert.ok(created.data, "a created note");
	const id = created.data.id;
	assert.equal(created.data.title, "Buy milk");
	assert.deepEqual(created.data.tags, ["home"]);

	const read = await client.GET("/api/v1/notes/{id}", { params: { path: { id } } });
	assert.equal(read.response.status, 200);
	assert.deepEqual(read.data, created.data);

	const listed = await client.GET("/api/v1/notes", { params: { query: { tag: "home", limit: 10 } } });
	assert.equal(listed.response.status, 200);
	assert.ok(listed.data);
	assert.ok(JSON.stringify(listed.data).includes(`"id":"${id}"`), JSON.stringify(listed.data));

	const patched = await client.PATCH("/api/v1/notes/{id}", {
		params: { path: { id } },
		headers: auth,
		body: { body: "one litre" },
	});
	assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
	assert.equal(patched.data?.body, "one litre");
	assert.equal(patched.data?.title, "Buy milk");

	const replaced = await client.PUT("/api/v1/notes/{id}", {
		params: { path: { id } },
		headers: auth,
		body: { title: "Buy oat milk", tags: ["home", "shop"] },
	});
	assert.equal(replaced.response.status, 200, JSON.stringify(replaced.error));
	assert.deepEqual(replaced.data?.tags, ["home", "shop"]);

	const deleted = await client.DELETE("/api/v1/notes/{id}", { params: { path: { id } }, headers: auth });
	assert.equal(deleted.response.status, 204);

	const gone = await client.GET("/api/v1/notes/{id}", { params: { path: { id } } });
	assert.equal(gone.response.status, 404);
	assert.equal(gone.error?.status, 404);
});

test("errors arrive as the documented problems", async () => {
	const invalid = await client.POST("/api/v1/notes", {
		headers: auth,
		body: { title: "", tags: ["Not A Tag"] },
	});
	assert.equal(invalid.response.status, 422);
	assert.equal(invalid.response.headers.get("content-type"), "application/problem+json");
	assert.equal(invalid.error?.status, 422);
	const locations = (invalid.error?.errors ?? []).map((e) => e.location).sort();
	assert.equal(locations.length, 2, JSON.stringify(invalid.error));
	assert.ok(locations[0].startsWith("body.tags"), JSON.stringify(locations));
	assert.equal(locations[1], "body.title");

	const unauthorized = await client.POST("/api/v1/notes", { body: { title: "x", tags: [] } });
	assert.equal(unauthorized.response.status, 401);
});
