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
