// Package ent holds the ssgk domain model (schema/) and the code ent and entgql generate from it.
package ent

//go:generate go run -mod=mod entc.go
