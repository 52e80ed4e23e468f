package i18n

// reportedMessages are the words of the reported targets' page (values an
// agency reports for a target no record can compute, and the
// coordinators' decision on them) and of its form's problems; merged into
// messages.
var reportedMessages = map[string][2]string{
	"tv.title": {"Chỉ tiêu do cơ quan báo cáo", "Reported targets"},
	"tv.intro": {"Những chỉ tiêu không tính được từ dữ liệu hoạt động (ví dụ tỷ lệ tin báo, tố giác được xử lý) do cơ quan được giao báo cáo số liệu cho từng kỳ. Số liệu được tính vào chỉ tiêu khi cơ quan tổng hợp tiếp nhận.",
		"Targets no record can compute (the share of tip-offs handled, for example) take the value the responsible agency reports for each period. A value counts toward its target once the coordinators accept it."},
	"tv.link":         {"Số liệu chỉ tiêu do cơ quan báo cáo", "Values of the reported targets"},
	"tv.none":         {"Kế hoạch không có chỉ tiêu nào do cơ quan báo cáo.", "The plan has no reported target."},
	"tv.missing":      {"Chưa có số liệu kỳ này: %d chỉ tiêu.", "No value for this period yet: %d targets."},
	"tv.agency":       {"Cơ quan báo cáo", "Reporting agency"},
	"tv.value":        {"Giá trị", "Value"},
	"tv.count":        {"số đếm", "a count"},
	"tv.numerator":    {"Tử số (số đã đạt)", "Numerator (achieved)"},
	"tv.denominator":  {"Mẫu số (tổng số; 0 nếu là số đếm)", "Denominator (the total; 0 for a count)"},
	"tv.evidence":     {"Minh chứng (số, ngày văn bản; đường dẫn)", "Evidence (document number and date; link)"},
	"tv.submit":       {"Gửi số liệu", "Submit the value"},
	"tv.resubmit":     {"Gửi lại số liệu", "Submit again"},
	"tv.correct":      {"Sửa số liệu đã tiếp nhận (số liệu sẽ chờ tiếp nhận lại)", "Correct the accepted value (it then waits for a decision again)"},
	"tv.locked":       {"Số liệu đã được tiếp nhận; chỉ cơ quan tổng hợp có thể sửa.", "The value is accepted; only a coordinator can change it."},
	"tv.submitted_by": {"Gửi lúc %s, người gửi: %s.", "Submitted at %s by %s."},
	"tv.decided_by":   {"Quyết định lúc %s, người quyết định: %s.", "Decided at %s by %s."},
	"tv.reopen":       {"Trả lại số liệu đã tiếp nhận", "Return the accepted value"},
	"tv.on_dashboard": {"Xem trên bảng chỉ tiêu", "See it on the dashboard"},

	"tv.state.submitted": {"Đã gửi, chờ tiếp nhận", "Submitted"},
	"tv.state.accepted":  {"Đã tiếp nhận", "Accepted"},
	"tv.state.returned":  {"Bị trả lại", "Returned"},
	"tv.state.missing":   {"Chưa báo cáo", "Not reported"},

	"tv.saved":    {"Đã gửi số liệu chỉ tiêu %s.", "The value of target %s is submitted."},
	"tv.accepted": {"Đã tiếp nhận số liệu chỉ tiêu %s.", "The value of target %s is accepted."},
	"tv.returned": {"Đã trả lại số liệu chỉ tiêu %s cho cơ quan báo cáo.", "The value of target %s is returned to its agency."},

	"form.targetvalue.numerator":   {"Tử số phải là một số không âm và không lớn hơn mẫu số.", "The numerator must be a number of zero or more, no larger than the denominator."},
	"form.targetvalue.denominator": {"Mẫu số phải là một số không âm (0 nếu chỉ tiêu là một số đếm).", "The denominator must be a number of zero or more (0 for a count)."},
	"form.targetvalue.evidence":    {"Minh chứng dài quá 2.000 ký tự hoặc có ký tự không hợp lệ.", "The evidence is longer than 2,000 characters or holds characters that are not text."},
	"form.targetvalue.reason":      {"Cần ghi lý do trả lại (tối đa 2.000 ký tự).", "A reason is required to return a value (at most 2,000 characters)."},
}

func init() { register(reportedMessages) }
