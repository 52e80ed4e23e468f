// Package web is the browser interface: server-rendered pages in
// Vietnamese (English switchable), sessions in cookies, and the JSON API
// mounted under /api/v1. Handlers are thin: they parse the request, call
// one store method and render; permission rules live in the store.
package web
