package i18n

// recordMessages are the words of the records pages (activities, evidence,
// materials, distributions, models, budget); merged into messages.
var recordMessages = map[string][2]string{
	"nav.activities":    {"Hoạt động", "Activities"},
	"nav.distributions": {"Tài liệu, phân phát", "Materials"},
	"nav.models":        {"Mô hình", "Models"},
	"nav.budget":        {"Kinh phí", "Budget"},

	"action.delete":  {"Xóa", "Delete"},
	"action.edit":    {"Sửa", "Edit"},
	"action.filter":  {"Lọc", "Filter"},
	"action.restore": {"Khôi phục", "Restore"},
	"form.fix":       {"Vui lòng sửa các mục được đánh dấu bên dưới.", "Please fix the marked fields below."},

	"filter.more":    {"Lọc theo cơ quan, hình thức, nội dung, địa bàn, thời gian…", "Filter by agency, channel, theme, place, dates…"},
	"filter.all":     {"Tất cả", "All"},
	"filter.clear":   {"Bỏ lọc", "Clear"},
	"filter.deleted": {"Thùng rác (đã xóa)", "Bin (deleted)"},
	"filter.from":    {"Từ ngày", "From"},
	"filter.to":      {"Đến ngày", "To"},
	"filter.sort":    {"Sắp xếp", "Sort"},
	"sort.-date":     {"Mới nhất trước", "Newest first"},
	"sort.date":      {"Cũ nhất trước", "Oldest first"},
	"sort.title":     {"Theo tên", "By title"},
	"sort.agency":    {"Theo cơ quan", "By agency"},
	"sort.updated":   {"Sửa gần đây", "Recently changed"},

	"activities.title":       {"Hoạt động đã thực hiện", "Activities"},
	"activities.count":       {"%d hoạt động", "%d activities"},
	"activities.none":        {"Không có hoạt động nào khớp bộ lọc.", "No activity matches."},
	"activities.search":      {"Tìm kiếm", "Search"},
	"activities.search_hint": {"gõ có dấu hoặc không dấu", "with or without diacritics"},
	"activities.import":      {"Nhập từ tệp Excel/CSV", "Import from Excel/CSV"},
	"activities.export_xlsx": {"Tải về Excel", "Download Excel"},

	"activity.title":          {"Hoạt động", "Activity"},
	"activity.new":            {"Ghi nhận hoạt động", "Record an activity"},
	"activity.edit":           {"Sửa hoạt động", "Edit the activity"},
	"activity.saved":          {"Đã lưu hoạt động.", "Activity saved."},
	"activity.deleted":        {"Đã chuyển hoạt động vào thùng rác.", "Activity moved to the bin."},
	"activity.restored":       {"Đã khôi phục hoạt động.", "Activity restored."},
	"activity.deleted_by":     {"Hoạt động này đã bị xóa (bởi %s).", "This activity was deleted (by %s)."},
	"activity.in_bin":         {"đã xóa", "deleted"},
	"activity.agency":         {"Cơ quan thực hiện", "Agency"},
	"activity.task":           {"Nhiệm vụ trong kế hoạch", "Task of the plan"},
	"activity.task_hint":      {"nên chọn; sẽ gợi ý hình thức và nội dung", "recommended; proposes channel and themes"},
	"activity.channel":        {"Hình thức tuyên truyền", "Channel"},
	"activity.themes":         {"Nội dung tuyên truyền", "Themes"},
	"activity.title_field":    {"Tên hoạt động", "Title"},
	"activity.description":    {"Mô tả", "Description"},
	"activity.dates":          {"Thời gian", "When"},
	"activity.start":          {"Ngày bắt đầu", "Start"},
	"activity.end":            {"Ngày kết thúc", "End"},
	"activity.place":          {"Địa bàn", "Places"},
	"activity.whole_province": {"Toàn tỉnh", "Whole province"},
	"activity.units_pick":     {"Các xã, phường, thị trấn (giữ Ctrl để chọn nhiều)", "Communes (hold Ctrl to pick several)"},
	"activity.units_hint":     {"Chọn xã theo danh mục tại thời điểm hoạt động (từ 01/02/2020 một số xã đã sáp nhập); chọn \"Toàn địa bàn\" một huyện cho hoạt động ở cấp huyện.", "Pick communes as they were when the activity took place; pick a whole district for district-level activities."},
	"activity.results":        {"Kết quả (số lượng)", "Results (quantities)"},
	"activity.audience":       {"Số người được tiếp cận (lượt người)", "People reached (people-times)"},
	"activity.people":         {"lượt người", "people"},
	"activity.cost":           {"Kinh phí", "Cost"},
	"activity.source":         {"Nguồn kinh phí", "Funding source"},
	"activity.links":          {"Đường dẫn (bài viết, video…)", "Links"},
	"activity.notes":          {"Ghi chú", "Notes"},
	"activity.evidence_after": {"Ảnh, văn bản minh chứng: tải lên sau khi lưu.", "Photos and documents: upload after saving."},

	"audience.total":           {"Tổng số", "Total"},
	"audience.women":           {"Nữ", "Women"},
	"audience.men":             {"Nam", "Men"},
	"audience.children":        {"Trẻ em 14–16 tuổi", "Children aged 14–16"},
	"audience.ethnic":          {"Người dân tộc thiểu số", "Ethnic minorities"},
	"audience.ethnic_minority": {"Người dân tộc thiểu số", "Ethnic minorities"},
	"audience.hint":            {"Bỏ trống nếu không rõ; không tính trùng vào tổng số.", "Leave empty when unknown."},

	"evidence.title":   {"Minh chứng", "Evidence"},
	"evidence.none":    {"Chưa có tệp minh chứng.", "No evidence yet."},
	"evidence.add":     {"Thêm tệp", "Add a file"},
	"evidence.upload":  {"Tải lên", "Upload"},
	"evidence.added":   {"Đã tải lên tệp minh chứng.", "Evidence uploaded."},
	"evidence.removed": {"Đã gỡ tệp minh chứng.", "Evidence removed."},
	"evidence.refused": {"Không nhận tệp:", "File refused:"},
	"evidence.limits":  {"Ảnh (JPEG, PNG), PDF hoặc văn bản Word/Excel; tối đa 8 MB.", "Photos (JPEG, PNG), PDF or office documents; up to 8 MB."},

	"history.title":   {"Lịch sử thay đổi", "History"},
	"history.create":  {"tạo mới", "created"},
	"history.update":  {"sửa", "changed"},
	"history.delete":  {"xóa", "deleted"},
	"history.restore": {"khôi phục", "restored"},
	"history.attach":  {"thêm minh chứng", "attached evidence"},
	"history.detach":  {"gỡ minh chứng", "removed evidence"},
	"history.confirm": {"xác nhận nhận/triển khai", "confirmed receipt/deployment"},
	"history.import":  {"nhập từ tệp", "imported"},
	"demo.banner":     {"Hệ thống đang chứa dữ liệu mẫu (lịch sử 2017–2020 dựng để thử nghiệm), đánh dấu \"dữ liệu mẫu\"; không dùng cho báo cáo thật.", "This system holds demo data (a made-up 2017–2020 history), marked \"demo data\"; not for real reports."},
	"demo.tag":        {"dữ liệu mẫu", "demo data"},
}

// Evidence rules (outreach.SniffEvidence).
var evidenceMessages = map[string][2]string{
	"problem.file_empty":      {"Tệp rỗng.", "The file is empty."},
	"problem.file_none":       {"Chưa chọn tệp.", "No file was sent."},
	"problem.file_too_big":    {"Tệp nặng %.1f MB, vượt giới hạn %d MB.", "The file is %.1f MB; the limit is %d MB."},
	"problem.file_zip":        {"Không nhận tệp nén ZIP; hãy gửi ảnh, PDF hoặc văn bản Word/Excel.", "ZIP archives are not accepted."},
	"problem.file_damaged":    {"Tệp %s bị hỏng.", "The %s file is damaged."},
	"problem.file_not_office": {"Tệp mang đuôi %s nhưng không phải văn bản Word/Excel.", "The file is named %s but is not an office document."},
	"problem.file_program":    {"Tệp %s là một chương trình máy tính, không nhận làm minh chứng; hãy gửi ảnh (JPEG, PNG), PDF hoặc văn bản.", "%s is a program, not accepted as evidence."},
	"problem.file_type":       {"Tệp %s có định dạng %s, không nhận làm minh chứng; hãy gửi ảnh (JPEG, PNG), PDF hoặc văn bản.", "%s is %s, not accepted as evidence."},
}

func init() {
	for k, v := range evidenceMessages {
		messages[k] = v
	}
	for k, v := range recordMessages {
		messages[k] = v
	}
}
