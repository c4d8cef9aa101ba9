package main

import (
	"embed"
	"io/fs"
	"net/http"
	"regexp"
)

// The dossier page: static files, no build step, nothing fetched from
// elsewhere. It reads the same HTTP/JSON API as every other client.
//
//go:embed web
var web embed.FS

var pairPage = regexp.MustCompile(`^/relationships/[A-Za-z0-9]{2,3}-[A-Za-z0-9]{2,3}$`)

func servePage(mux *http.ServeMux) {
	files, err := fs.Sub(web, "web")
	if err != nil {
		panic(err)
	}
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		panic(err)
	}
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.FS(files))))
	page := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && !pairPage.MatchString(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(index)
	}
	mux.HandleFunc("/", page)
}
