package i18n

func init() {
	for k, v := range reportMessages {
		messages[k] = v
	}
}

var reportMessages = map[string][2]string{
	"progress.none":     {"Chưa triển khai", "Not started"},
	"progress.underway": {"Đang triển khai", "Under way"},
	"progress.met":      {"Đã đạt chỉ tiêu", "Goal met"},
}
