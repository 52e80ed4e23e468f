package i18n

// modelMessages are the words of prevention-model types (the plan's
// vocabulary, internal/outreach/vocab.go) on the models pages, and of the
// problem a type given to a plan without types raises; merged into
// messages.
var modelMessages = map[string][2]string{
	"model.type":         {"Loại mô hình", "Model type"},
	"model.type_change":  {"Đổi loại mô hình", "Change the type"},
	"model.type_missing": {"Chưa phân loại", "Not classified"},

	"problem.model_type_none": {"kế hoạch không phân loại mô hình; hãy để trống loại mô hình (đã ghi %q)", "the plan distinguishes no model types; leave the type empty (got %q)"},
}

func init() { register(modelMessages) }
