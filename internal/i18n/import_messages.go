package i18n

// importMessages are the words of the import pages; merged into messages.
var importMessages = map[string][2]string{
	"import.activities":         {"Nhập hoạt động từ tệp", "Import activities from a file"},
	"import.distributions":      {"Nhập các đợt gửi tài liệu từ tệp", "Import distributions from a file"},
	"import.back.activities":    {"Hoạt động", "Activities"},
	"import.back.distributions": {"Tài liệu, phân phát", "Materials"},
	"import.upload":             {"Chọn tệp", "Choose a file"},
	"import.file":               {"Tệp Excel (.xlsx) hoặc CSV", "Excel (.xlsx) or CSV file"},
	"import.default_agency":     {"Cơ quan thực hiện", "Agency"},
	"import.agency_column":      {"theo cột \"Cơ quan\" trong tệp", "from the file's \"Cơ quan\" column"},
	"import.check":              {"Kiểm tra tệp", "Check the file"},
	"import.template":           {"Tải tệp mẫu:", "Download a template:"},
	"import.rules":              {"Ngày ghi dd/mm/yyyy hoặc yyyy-mm-dd; số có thể dùng dấu chấm ngăn cách hàng nghìn (1.234) và dấu phẩy thập phân (1.234,5); địa bàn ghi mã hoặc tên xã (có dấu hay không dấu đều được), nhiều xã cách nhau bởi dấu chấm phẩy. Tệp chỉ được ghi khi mọi dòng hợp lệ; một tệp không nhập được hai lần.", "Dates dd/mm/yyyy or yyyy-mm-dd; numbers 1.234 and 1.234,5; places by code or name, separated by semicolons. Nothing is written unless every row is valid; a file cannot be imported twice."},
	"import.no_file":            {"Chưa chọn tệp.", "No file was chosen."},
	"import.too_big":            {"Tệp lớn hơn %d MB.", "The file is larger than %d MB."},
	"import.refused":            {"Tệp %s chưa được nhập: có %d lỗi cần sửa. Không có dòng nào được ghi.", "%s was not imported: %d problems. Nothing was written."},
	"import.more":               {"(và %d lỗi khác)", "(and %d more)"},
	"import.line":               {"Dòng", "Line"},
	"import.column":             {"Cột", "Column"},
	"import.reason":             {"Lỗi", "Problem"},
	"import.preview":            {"Xem trước (10 dòng đầu)", "Preview (first 10 lines)"},
	"import.ready":              {"Tệp %s hợp lệ: %d dòng sẵn sàng để nhập.", "%s is valid: %d rows ready."},
	"import.confirm":            {"Xác nhận nhập %d dòng", "Import %d rows"},
	"import.cancel":             {"Hủy", "Cancel"},
	"import.expired":            {"Phiên nhập tệp đã hết hạn; vui lòng tải tệp lên lại.", "The import expired; upload the file again."},
	"import.done.activities":    {"Đã nhập %d hoạt động.", "%d activities imported."},
	"kinds.title":               {"Danh mục số liệu hoạt động", "Quantity vocabulary"},
	"kinds.intro":               {"Các loại số liệu ghi cho hoạt động (số buổi, số người, số bản…). Cơ quan tổng hợp có thể bổ sung.", "What activities count in; coordinators may add kinds."},
	"kinds.code":                {"Mã", "Code"},
	"kinds.name":                {"Tên", "Name"},
	"kinds.name_en":             {"Tên tiếng Anh", "English name"},
	"kinds.unit":                {"Đơn vị tính", "Unit"},
	"kinds.add":                 {"Thêm loại số liệu", "Add a kind"},
	"kinds.saved":               {"Đã thêm loại số liệu.", "Kind added."},
	"import.done.distributions": {"Đã nhập %d đợt gửi tài liệu.", "%d distributions imported."},
}

func init() {
	for k, v := range importMessages {
		messages[k] = v
	}
}
