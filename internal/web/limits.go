package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"outreach/internal/api"
	"outreach/internal/outreach"
)

// Every request's body is bounded before anything reads it (docs/security.md,
// "Resource budget"): maxFormBody for every route, a larger limit only on
// the routes where uploads belong. A body that announces more is refused at
// once; one that sends more is cut off by http.MaxBytesReader, and the
// handler refuses the form it could not parse. Multipart forms are parsed
// with all their parts in memory (the limit is below the parser's memory
// budget), so no upload ever lands in a temporary file, and whatever a
// handler parsed is released when the request ends.
const (
	// maxFormBody bounds an ordinary form or JSON body: a report's
	// narrative of several pages is about 50 KB.
	maxFormBody = 1 << 20
	// uploadOverhead is what a multipart body adds to its file: part
	// headers and the form's other fields.
	uploadOverhead = 64 << 10
)

// errFormTooBig and errFormUnreadable are what a handler returns when the
// body could not be parsed; serveError answers 413 and 400.
var (
	errFormTooBig     = errors.New("request body too large")
	errFormUnreadable = errors.New("request form unreadable")
)

// bodyLimits knows each route's body limit: routes registered with a
// larger one, maxFormBody for every other.
type bodyLimits struct {
	mux    *http.ServeMux
	limits map[string]int64
}

func newBodyLimits() *bodyLimits {
	return &bodyLimits{mux: http.NewServeMux(), limits: map[string]int64{}}
}

// set gives the route pattern a larger body limit.
func (b *bodyLimits) set(pattern string, n int64) {
	b.limits[pattern] = n
	b.mux.Handle(pattern, http.NotFoundHandler()) // only the pattern matters
}

// of returns the request's body limit and whether its route takes uploads.
func (b *bodyLimits) of(r *http.Request) (int64, bool) {
	_, pattern := b.mux.Handler(r)
	if n, ok := b.limits[pattern]; ok {
		return n, true
	}
	return maxFormBody, false
}

// limitBodies installs the body limit of the request's route before any
// handler runs. A form body announced larger than the limit is refused
// without reading it; on an upload route the handler says so in its own
// page, after checking who asks, still without reading it (parseForm).
func (s *Server) limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, upload := s.limits.of(r)
		if r.ContentLength > limit && !upload {
			s.log.InfoContext(r.Context(), "request body refused", "path", r.URL.Path, "content_length", r.ContentLength, "limit", limit)
			w.Header().Set("Connection", "close")
			s.refuseTooLarge(w, r, limit)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// refuseTooLarge answers 413 in the caller's language: JSON on the API,
// a page elsewhere.
func (s *Server) refuseTooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		api.WriteError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %s", sizeText(limit)), "body")
		return
	}
	s.serveError(w, r, fmt.Errorf("%w: limit %d bytes", errFormTooBig, limit))
}

// sizeText writes a byte count the way the messages do ("1 MB", "64 KB").
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// parseForm parses a form body (urlencoded or multipart) within the
// route's limit, keeping every multipart part in memory. It returns
// errFormTooBig or errFormUnreadable, wrapped, when it cannot.
func (s *Server) parseForm(r *http.Request) error {
	limit, _ := s.limits.of(r)
	if r.ContentLength > limit {
		return fmt.Errorf("%w: %d bytes announced, limit %d", errFormTooBig, r.ContentLength, limit)
	}
	var err error
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		// Parts up to maxMemory stay in memory; the body cannot exceed
		// the limit, so none goes to disk.
		err = r.ParseMultipartForm(limit + 1)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("%w: %v", errFormTooBig, err)
	}
	return fmt.Errorf("%w: %v", errFormUnreadable, err)
}

// releaseForm drops the parts of a multipart form the request parsed
// (temporary files included, should any exist), whatever the handler did.
func releaseForm(r *http.Request) {
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
		r.MultipartForm = nil
	}
}

// hasBody reports whether the request's method carries a form to parse.
func hasBody(r *http.Request) bool {
	return r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch
}

// canUpload says whether the user may upload to an import of the kind at
// all, checked before the upload is read: the same rule that shows the
// page's upload form (Page.Can).
func canUpload(u *outreach.User, kind string) bool {
	if kind == "distributions" {
		return Page{User: u}.Can("distribute")
	}
	return Page{User: u}.Can("record")
}
