package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"outreach/internal/outreach"
)

// uploadEvidence attaches a file to an activity or a model: the body is
// bounded, and the store checks the size and sniffs the content.
func (s *Server) uploadEvidence(ownerType string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return fmt.Errorf("%s %q: %w", ownerType, r.PathValue("id"), outreach.ErrNotFound)
		}
		back := fmt.Sprintf("%s/%d", map[string]string{"activity": "/activities", "model": "/models"}[ownerType], id)
		// Who may attach is checked before the body is read.
		if err := s.store.CheckEvidenceWrite(r.Context(), currentActor(r), ownerType, id); err != nil {
			return err
		}
		var data []byte
		var name string
		err = s.parseForm(r)
		if errors.Is(err, errFormTooBig) {
			err = tooBigEvidence(r)
		} else if err == nil {
			file, hdr, ferr := r.FormFile("file")
			if ferr == nil {
				defer file.Close()
				name = hdr.Filename
				data, err = io.ReadAll(io.LimitReader(file, outreach.MaxEvidenceSize+1))
			}
			switch {
			case err == nil && len(data) > outreach.MaxEvidenceSize:
				err = tooBigEvidence(r)
			case err == nil && ferr != nil:
				v := &outreach.ValidationError{}
				v.AddCode("file", "file_none", "no file was sent")
				err = v
			case err == nil:
				_, err = s.store.AddEvidence(r.Context(), currentActor(r), ownerType, id, name, data)
			}
		}
		if err == nil {
			return seeOther(w, r, back, langOf(r).T("evidence.added"))
		}
		var v *outreach.ValidationError
		if !errors.As(err, &v) {
			return err
		}
		l := langOf(r)
		return seeOther(w, r, back, l.T("evidence.refused")+" "+fieldProblems(l, v)["file"])
	}
}

func tooBigEvidence(r *http.Request) error {
	v := &outreach.ValidationError{}
	v.AddCode("file", "file_too_big", "the file is %.1f MB; the limit is %d MB", float64(r.ContentLength)/(1<<20), outreach.MaxEvidenceSize>>20)
	return v
}

func (s *Server) downloadEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("evidence %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	e, data, err := s.store.Evidence(r.Context(), currentActor(r), id)
	if err != nil {
		return err
	}
	// Served as an attachment with the sniffed type, never rendered in
	// the site's origin.
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Name}))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

func (s *Server) deleteEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("evidence %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	if err := s.store.DeleteEvidence(r.Context(), currentActor(r), id); err != nil {
		return err
	}
	return seeOther(w, r, safeNext(r.PostFormValue("back")), langOf(r).T("evidence.removed"))
}
