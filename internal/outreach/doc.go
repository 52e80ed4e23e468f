// Package outreach holds the domain of the system: the plan as data
// (targets, themes, channels, agencies, tasks, funding, reporting regime),
// administrative units with their history, users, roles and the rules that
// say who may do what, and the error kinds every layer speaks.
//
// It imports nothing else from this module, so the store, the web UI, the
// API and the CLI all depend on it and never the other way round.
package outreach
