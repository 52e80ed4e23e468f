package outreach

import (
	"archive/zip"
	"bytes"
	"net/http"
	"path"
	"strings"
)

// MaxEvidenceSize is the largest evidence file accepted (8 MiB): enough
// for a phone photo or a scanned signed report, small enough for a slow
// commune connection and the database.
const MaxEvidenceSize = 8 << 20

// office formats that are ZIP containers, by extension, with their type.
var zipOffice = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
}

// older office formats (OLE compound files), by extension.
var oleOffice = map[string]string{
	".doc": "application/msword",
	".xls": "application/vnd.ms-excel",
	".ppt": "application/vnd.ms-powerpoint",
}

// SniffEvidence decides from a file's content (not its name alone) whether
// it is an accepted evidence type — a photo (JPEG, PNG, GIF, WebP), a PDF
// or an office document — and returns the type to serve it with. An
// executable renamed photo.jpg is refused.
func SniffEvidence(name string, data []byte) (string, error) {
	v := &ValidationError{}
	if len(data) == 0 {
		v.AddCode("file", "file_empty", "the file is empty")
		return "", v
	}
	if len(data) > MaxEvidenceSize {
		v.AddCode("file", "file_too_big", "the file is %.1f MB; the limit is %d MB", float64(len(data))/(1<<20), MaxEvidenceSize>>20)
		return "", v
	}
	ext := strings.ToLower(path.Ext(name))
	sniffed := http.DetectContentType(data)
	switch sniffed {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf":
		return sniffed, nil
	case "application/zip":
		ct, ok := zipOffice[ext]
		if !ok {
			v.AddCode("file", "file_zip", "a ZIP archive is not accepted; send photos, PDFs or office documents")
			return "", v
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			v.AddCode("file", "file_damaged", "the %s file is damaged", ext)
			return "", v
		}
		for _, f := range zr.File {
			if f.Name == "[Content_Types].xml" || f.Name == "mimetype" {
				return ct, nil
			}
		}
		v.AddCode("file", "file_not_office", "the file is named %s but is not an office document", ext)
		return "", v
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		if ct, ok := oleOffice[ext]; ok {
			return ct, nil
		}
	}
	if bytes.HasPrefix(data, []byte("MZ")) || bytes.HasPrefix(data, []byte("\x7fELF")) {
		v.AddCode("file", "file_program", "%s is a program, not accepted as evidence; send a photo (JPEG, PNG), a PDF or an office document", name)
		return "", v
	}
	v.AddCode("file", "file_type", "%s is %s, not accepted as evidence; send a photo (JPEG, PNG), a PDF or an office document", name, sniffed)
	return "", v
}
