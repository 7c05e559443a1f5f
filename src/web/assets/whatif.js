// What-if form: add and remove items of list facts; nothing else needs script.
document.addEventListener("click", function (e) {
  var t = e.target;
  if (t.matches("button.add-item")) {
    e.preventDefault();
    var list = t.closest(".list");
    var tpl = list.querySelector("template");
    var item = tpl.content.firstElementChild.cloneNode(true);
    list.insertBefore(item, t);
  } else if (t.matches("button.remove-item")) {
    e.preventDefault();
    t.closest(".item").remove();
  }
});

// Upload a fact file: the case goes into the URL (`case=`), so the page stays shareable.
var upload = document.getElementById("upload");
if (upload) {
  upload.addEventListener("change", function () {
    var file = upload.files[0];
    if (!file) return;
    file.text().then(function (text) {
      var params = new URLSearchParams();
      upload.closest("form").querySelectorAll("input[type=hidden]").forEach(function (h) {
        params.append(h.name, h.value);
      });
      params.set("case", text);
      location.href = "/whatif?" + params.toString();
    });
  });
}
