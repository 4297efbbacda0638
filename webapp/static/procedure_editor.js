// The procedure editor: bpmn-js Modeler, motcua's properties panel, the form editor with a
// preview rendered by the server (the task page's own field macro), save (draft + check, with
// problems drawn on their elements) and publish. Texts come from the page (data-text-*,
// #panel-labels, #panel-hints, #element-kinds, and #bpmn-texts for bpmn-js's own palette, context
// pad and menus) so they follow the officer's language; nothing here builds HTML from strings.
(function () {
  "use strict";
  var SPIFF_URI = "http://spiffworkflow.org/bpmn/schema/1.0/core";
  var SPIFF = {
    name: "SpiffWorkflow", prefix: "spiffworkflow", uri: SPIFF_URI, xml: { tagAlias: "lowerCase" },
    associations: [],
    types: [
      { name: "Properties", superClass: ["Element"], properties: [{ name: "properties", type: "Property", isMany: true }] },
      { name: "Property", superClass: ["Element"], properties: [
        { name: "name", isAttr: true, type: "String" }, { name: "value", isAttr: true, type: "String" }] },
      { name: "MessagePayload", superClass: ["Element"], properties: [{ name: "value", isBody: true, type: "String" }] },
      { name: "MessageVariable", superClass: ["Element"], properties: [{ name: "value", isBody: true, type: "String" }] }
    ]
  };
  var root = document.getElementById("editor");
  if (!root || !window.BpmnJS) { return; }
  function textsOf(templateId) {
    var found = {};
    document.getElementById(templateId).content.querySelectorAll("[data-k]").forEach(function (el) {
      found[el.getAttribute("data-k")] = el.textContent;
    });
    return found;
  }
  var labels = textsOf("panel-labels"), kinds = textsOf("element-kinds"), bpmnTexts = textsOf("bpmn-texts");
  function label(key) { return labels[key] || labels.field; }
  // bpmn-js asks this for every text it shows, its English as the key; a text the page lacks
  // stays bpmn-js's English.
  function translate(template, replacements) {
    return (bpmnTexts[template] || template).replace(/\{([^}]+)\}/g, function (whole, key) {
      return replacements && replacements[key] !== undefined ? replacements[key] : whole;
    });
  }
  function text(name, values) {
    var t = root.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { t = t.replace("{" + k + "}", values[k]); });
    return t;
  }
  var modeler = new window.BpmnJS({ container: "#editor-canvas", moddleExtensions: { spiffworkflow: SPIFF },
                                     additionalModules: [{ translate: ["value", translate] }] });
  var moddle = modeler.get("moddle"), modeling = modeler.get("modeling"), canvas = modeler.get("canvas");
  var registry = modeler.get("elementRegistry"), overlays = modeler.get("overlays");
  var forms = {}, edited = {}, current = null;
  var choices = { roles: [], role_names: [], statuses: [], agency_kinds: [], partner_codes: [],
                  time: { units: {}, decimal_mark: "." } };

  // ---- spiffworkflow:properties on a business object -------------------------------------
  function propsOf(bo, create) {
    var ext = bo.extensionElements;
    if (!ext) {
      if (!create) { return null; }
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      ext.$parent = bo; bo.extensionElements = ext;
    }
    var props = (ext.values || []).filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
    if (!props && create) {
      props = moddle.create("spiffworkflow:Properties", { properties: [] });
      props.$parent = ext; ext.values = (ext.values || []).concat([props]);
    }
    return props;
  }
  function getProp(bo, name) {
    var props = propsOf(bo, false);
    var found = props && (props.properties || []).filter(function (p) { return p.name === name; })[0];
    return found ? (found.value || "") : "";
  }
  function setProp(bo, name, value) {
    var props = propsOf(bo, !!value);
    if (!props) { return; }
    var list = props.properties || [];
    var found = list.filter(function (p) { return p.name === name; })[0];
    if (!value) {
      props.properties = list.filter(function (p) { return p !== found; });
    } else if (found) {
      found.value = value;
    } else {
      var p = moddle.create("spiffworkflow:Property", { name: name, value: value });
      p.$parent = props; props.properties = list.concat([p]);
    }
    modeler.get("eventBus").fire("elements.changed", { elements: [] });
    changed();  // written straight into the model, not through the command stack
  }

  // ---- the properties panel ----------------------------------------------------------------
  var panel = document.getElementById("panel-fields"), title = document.getElementById("panel-title");
  var uid = 0;
  var hints = document.getElementById("panel-hints").content;
  // A field: its label in plain words, its technical name (the BPMN attribute or motcua property)
  // as a typed input's title for whoever reads the XML (translate="no": a name, not words; not on
  // a select, whose options are words), and an example of what to type where the engine wants
  // its own syntax.
  function row(key, input, technical) {
    var div = document.createElement("div"); div.className = "field";
    var text = document.createElement("label"); uid += 1; input.id = "pp-" + uid;
    text.setAttribute("for", input.id); text.textContent = label(key);
    if (input.tagName !== "SELECT") { input.title = technical || key; input.setAttribute("translate", "no"); }
    div.appendChild(text); div.appendChild(input);
    var hint = hints.querySelector('[data-k="' + key + '"]');
    if (hint) {
      hint = hint.cloneNode(true); hint.id = input.id + "-hint";
      input.setAttribute("aria-describedby", hint.id); div.appendChild(hint);
    }
    panel.appendChild(div);
    return input;
  }
  function textInput(key, value, onChange, list, technical) {
    var input = document.createElement("input"); input.type = "text"; input.value = value || "";
    input.name = key;
    if (list) { input.setAttribute("list", list); }
    input.addEventListener("change", function () { onChange(input.value.trim()); });
    return row(key, input, technical);
  }
  function textArea(key, value, onChange) {
    var input = document.createElement("textarea"); input.rows = 4; input.value = value || ""; input.name = key;
    input.addEventListener("change", function () { onChange(input.value.trim()); });
    return row(key, input);
  }
  function select(key, value, options, onChange) {
    var input = document.createElement("select"); input.name = key;
    options.forEach(function (o) {
      var opt = document.createElement("option"); opt.value = o[0]; opt.textContent = o[1];
      if (o[2]) { opt.setAttribute("translate", "no"); }  // a file name, not words
      if (o[0] === (value || "")) { opt.selected = true; }
      input.appendChild(opt);
    });
    input.addEventListener("change", function () { onChange(input.value); });
    return row(key, input);
  }
  function checkbox(key, checked, onChange) {
    var input = document.createElement("input"); input.type = "checkbox"; input.checked = !!checked; input.name = key;
    input.addEventListener("change", function () { onChange(input.checked); });
    return row(key, input);
  }
  function datalist(id, values) {
    var dl = document.createElement("datalist"); dl.id = id;
    values.forEach(function (v) { var o = document.createElement("option"); o.value = v; dl.appendChild(o); });
    panel.appendChild(dl);
    return id;
  }
  function propField(bo, key, list) {
    return textInput(key, getProp(bo, key), function (v) { setProp(bo, key, v); }, list);
  }
  // A time limit is kept in the file in English ("1.5 working days"); the field shows it in the
  // page's words ("1,5 ngày làm việc", from the server's texts), and what is typed, in either
  // language, is stored as typed: the server keeps it in English on saving (procedure_editor.py).
  function shownTime(value) {
    var m = /^(\d+(?:\.\d+)?) (working days|working hours|calendar days)$/.exec(value || "");
    var unit = m && choices.time.units[m[2]];
    return unit ? m[1].replace(".", choices.time.decimal_mark) + " " + unit : (value || "");
  }
  function timeField(bo, key) {
    return textInput(key, shownTime(getProp(bo, key)), function (v) { setProp(bo, key, v); });
  }
  function rename(element) {
    return function (v) { modeling.updateProperties(element, { name: v || undefined }); };
  }
  function nameField(element) {
    return textInput("name", element.businessObject.name, rename(element));
  }
  function procedureFields(bo) {
    propField(bo, "nationalCode");
    timeField(bo, "timeLimit");
    propField(bo, "receivedBy", datalist("dl-kinds", choices.agency_kinds));
    select("supplementClock", getProp(bo, "supplementClock"),
           [["", labels.none], ["restart", labels.restart], ["pause", labels.pause]],
           function (v) { setProp(bo, "supplementClock", v); });
    propField(bo, "completedStatus");
    textArea("requiredDocuments", getProp(bo, "requiredDocuments"), function (v) { setProp(bo, "requiredDocuments", v); });
  }
  function processFields(process, inCollaboration) {
    checkbox("isExecutable", process.isExecutable, function (v) { process.isExecutable = v; });
    if (inCollaboration) {
      propField(process, "agencyKind", datalist("dl-kinds2", choices.agency_kinds));
      timeField(process, "allotment");
    }
  }
  // Each status by its code and its name in the page's language ("4 · Đang xử lý", from the
  // server: engine/statuses.py through editor_texts.py).
  function statusOptions() {
    return [["", labels.none]].concat(choices.statuses);
  }
  // A lane's role by its name as the other pages say it ("Chuyên viên"); a role the lane names
  // that the list lacks (a code no one holds yet) stays selectable as written.
  function roleOptions(value) {
    var o = [["", labels.none]].concat(choices.role_names);
    if (value && !o.some(function (r) { return r[0] === value; })) { o.push([value, value, true]); }
    return o;
  }
  function show(element) {
    if (!element || !element.businessObject) { return; }  // during an import: nothing drawn yet
    current = element;
    panel.textContent = "";
    var bo = element.businessObject, type = bo.$type;
    // The title: the element's own name (the modeller's words, left as written) and its kind.
    title.textContent = "";
    if (bo.name) {
      var own = document.createElement("span"); own.className = "panel-name"; own.textContent = bo.name;
      own.setAttribute("translate", "no"); title.appendChild(own); title.appendChild(document.createTextNode(" · "));
    }
    var kind = document.createElement("span"); kind.className = "panel-kind";
    kind.textContent = kinds[type.replace("bpmn:", "")] || kinds[""];
    title.appendChild(kind);
    var idInput = textInput("id", bo.id, function (v) {
      if (v && v !== bo.id) { modeling.updateProperties(element, { id: v }); show(element); }
    });
    if (type === "bpmn:Process") {
      nameField(element); processFields(bo, false); procedureFields(bo);
    } else if (type === "bpmn:Collaboration") {
      nameField(element); procedureFields(bo);
    } else if (type === "bpmn:Participant") {
      nameField(element);
      if (bo.processRef) {
        processFields(bo.processRef, true);
      } else {
        propField(bo, "partnerCode", datalist("dl-partners", choices.partner_codes));
        timeField(bo, "allotment");
      }
    } else if (type === "bpmn:Lane") {
      select("role", bo.name, roleOptions(bo.name), rename(element));
    } else if (type === "bpmn:UserTask" || type === "bpmn:ManualTask") {
      nameField(element);
      if (type === "bpmn:UserTask") {
        var names = Object.keys(forms).sort();
        select("formJsonSchemaFilename", getProp(bo, "formJsonSchemaFilename"),
               [["", labels.none]].concat(names.map(function (n) { return [n, n, true]; })),
               function (v) { setProp(bo, "formJsonSchemaFilename", v); if (v) { pickForm(v); } });
        var edit = document.createElement("button"); edit.type = "button"; edit.textContent = labels.editForm;
        edit.addEventListener("click", function () {
          var f = getProp(bo, "formJsonSchemaFilename"); if (f) { pickForm(f); formPick.focus(); }
        });
        panel.appendChild(edit);
      }
      select("dossierStatus", getProp(bo, "dossierStatus"), statusOptions(), function (v) { setProp(bo, "dossierStatus", v); });
      timeField(bo, "allotment");
      timeField(bo, "warnBefore");
      checkbox("supplementRequest", getProp(bo, "supplementRequest") === "true",
               function (v) { setProp(bo, "supplementRequest", v ? "true" : ""); });
      textArea("sendBackData", getProp(bo, "sendBackData"), function (v) { setProp(bo, "sendBackData", v); });
    } else if (bo.name !== undefined || type.indexOf("Task") >= 0 || type.indexOf("Event") >= 0 || type.indexOf("Gateway") >= 0) {
      nameField(element);
    }
    idInput.setAttribute("autocomplete", "off");
  }
  modeler.on("selection.changed", function (e) {
    show(e.newSelection[0] || canvas.getRootElement());
    elementPick.value = current ? current.id : "";
  });

  // ---- every element in a list: the drawing takes no keyboard, the list does -----------------
  var elementPick = document.getElementById("element-pick");
  function kindOf(el) { return kinds[el.type.replace("bpmn:", "")] || kinds[""]; }
  // An element by its name; one without (a flow, an inner start event…) by what it joins or
  // where it is, never its id (words the modeller did not write).
  function nameOf(el) { return (el.businessObject && el.businessObject.name) || kindOf(el); }
  function described(el, top) {
    var kind = kindOf(el);
    if (el.businessObject.name) { return el.businessObject.name + " · " + kind; }
    if (el.source && el.target) { return text("joins", { kind: kind, source: nameOf(el.source), target: nameOf(el.target) }); }
    if (el.parent && el.parent !== top && el.parent.businessObject && el.parent.businessObject.name) {
      return text("within", { kind: kind, parent: el.parent.businessObject.name });
    }
    return kind;
  }
  function fillElementPick() {
    var top = canvas.getRootElement();
    var els = [top].concat(registry.getAll().filter(function (el) {
      return el !== top && el.type !== "label" && el.businessObject && el.type.indexOf("bpmn:") === 0;
    }));
    elementPick.textContent = "";
    var seen = {};
    els.forEach(function (el) {
      var o = document.createElement("option"), said = described(el, top);
      seen[said] = (seen[said] || 0) + 1;
      o.value = el.id; o.textContent = said + (seen[said] > 1 ? " (" + seen[said] + ")" : "");
      o.setAttribute("translate", "no");
      elementPick.appendChild(o);
    });
    elementPick.value = current ? current.id : top.id;
  }
  elementPick.addEventListener("change", function () {
    var el = registry.get(elementPick.value);
    if (el === canvas.getRootElement()) { modeler.get("selection").select(null); show(el); } else if (el) {
      modeler.get("selection").select(el);
    }
  });
  modeler.on("commandStack.changed", fillElementPick);

  // ---- the form editor ---------------------------------------------------------------------
  var formPick = document.getElementById("form-pick"), schemaBox = document.getElementById("form-schema");
  var preview = document.getElementById("form-preview"), schemaProblems = document.getElementById("form-schema-problems");
  function fillFormPick(selected) {
    formPick.textContent = "";
    Object.keys(forms).sort().forEach(function (n) {
      var o = document.createElement("option"); o.value = n; o.textContent = n + (edited[n] ? " *" : "");
      o.setAttribute("translate", "no");  // a file name
      if (n === selected) { o.selected = true; }
      formPick.appendChild(o);
    });
  }
  function pickForm(name) {
    fillFormPick(name);
    schemaBox.value = JSON.stringify(forms[name], null, 2);
    renderPreview();
  }
  // The browser's own words for a JSON syntax error are in its language, not the page's: the
  // page says it, with the line where the browser stopped reading when it tells.
  function notJson(error) {
    var at = /position (\d+)/.exec(String(error && error.message));
    if (!at) { return text("schema-not-json"); }
    var line = schemaBox.value.slice(0, Number(at[1])).split("\n").length;
    return text("schema-not-json-at", { line: line });
  }
  var previewTimer = null;
  function renderPreview() {
    var schema;
    try { schema = JSON.parse(schemaBox.value); } catch (e) { schemaProblems.textContent = notJson(e); return; }
    post(root.getAttribute("data-preview-url"), { schema: schema }).then(function (res) {
      schemaProblems.textContent = res.said || (res.body.problems || []).join(" ");
      // The server rendered this with the task page's own template (escaped by Jinja).
      preview.innerHTML = res.body.html || "";
      if (res.ok) {
        var name = formPick.value;
        if (name && JSON.stringify(forms[name]) !== JSON.stringify(schema)) { forms[name] = schema; edited[name] = true; }
        preview.setAttribute("data-rendered", formPick.value);
      }
    });
  }
  formPick.addEventListener("change", function () { pickForm(formPick.value); });
  schemaBox.addEventListener("input", function () {
    clearTimeout(previewTimer); previewTimer = setTimeout(renderPreview, 300);
  });
  document.getElementById("form-new").addEventListener("click", function () {
    var input = document.getElementById("form-new-name"), name = input.value.trim();
    var refused = document.getElementById("form-new-problem");
    var why = !/^[A-Za-z0-9_\-]+\.json$/.test(name) ? "form-name-bad" : (forms[name] ? "form-name-taken" : "");
    refused.textContent = why ? text(why, { name: name }) : "";
    if (why) { input.setAttribute("aria-invalid", "true"); input.focus(); return; }
    input.removeAttribute("aria-invalid");
    // A new form shows the modeller how a field reads in both languages (docs/MODELLING.md, "Forms").
    forms[name] = { type: "object", properties: { ghi_chu: { type: "string", title: "Ghi chú", "x-title-en": "Note" } },
                    additionalProperties: false };
    edited[name] = true; pickForm(name); if (current) { show(current); }
  });

  // ---- unsaved work ------------------------------------------------------------------------
  // Drawing never reaches the server until a save: leaving the page (a link, a reload, closing the
  // tab) with changes made since the last save or publish asks first, in the browser's words.
  // Changes are counted, so an edit made while a save is on its way still counts as unsaved.
  var changes = 0, savedChanges = 0;
  function changed() { changes += 1; }
  modeler.on("commandStack.changed", changed);  // not fired by opening the diagram
  schemaBox.addEventListener("input", changed);
  document.getElementById("editor-note").addEventListener("input", changed);
  document.getElementById("form-new").addEventListener("click", changed);
  window.addEventListener("beforeunload", function (event) {
    if (changes === savedChanges) { return; }
    event.preventDefault();
    event.returnValue = "";  // Chromium asks only when this is set
  });

  // ---- save, check, publish ----------------------------------------------------------------
  var status = document.getElementById("editor-status"), list = document.getElementById("editor-problems");
  var drawn = [];
  function send(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
                        headers: { "Content-Type": "application/json", "X-CSRFToken": root.getAttribute("data-csrf") },
                        body: JSON.stringify(body) });
  }
  // The page's form token, fetched again: after the officer signs in anew (in another tab) the
  // token this page was given belongs to the ended session. False while signed out.
  function freshToken() {
    return fetch(window.location.href, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok || /\/login/.test(r.url)) { return false; }
      return r.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html").getElementById("editor");
        var token = page && page.getAttribute("data-csrf");
        if (token) { root.setAttribute("data-csrf", token); }
        return !!token;
      });
    });
  }
  function refused(kind) { return { ok: false, said: text(kind), body: { html: "", problems: [] } }; }
  // Every answer is JSON but a refused form token (a session ended: idle too long while drawing,
  // which never asks the server anything) and a server's failure: those are said as what they are,
  // and a token refused is fetched again and the request sent once more.
  function post(url, body) {
    function read(r, again) {
      if ((r.headers.get("Content-Type") || "").indexOf("json") >= 0) {
        return r.json().then(function (b) { return { ok: r.ok, body: b }; });
      }
      if (r.status >= 500) { return refused("server-error"); }
      if (!again) { return refused("signed-out"); }
      return freshToken().then(function (renewed) {
        return renewed ? send(url, body).then(function (r2) { return read(r2, false); }) : refused("signed-out");
      });
    }
    return send(url, body).then(function (r) { return read(r, true); });
  }
  function editedForms() {
    var out = {}; Object.keys(edited).forEach(function (n) { out[n] = forms[n]; }); return out;
  }
  // A problem names its element as the modeller knows it: by its name on the drawing (one without
  // by what it joins or where it is), or by its id (e.g. Activity_0abc, the panel's "element id")
  // when it is not drawn; one on the drawing is a button that selects it (and a click on its line
  // does the same). The id of a named element is no word of the modeller's page ("Phê duyệt
  // (approve)" read as code): it is the button's tooltip, and said only where two share a name.
  function elementName(id) {
    var shape = registry.get(id), bo = shape && shape.businessObject;
    if (!bo) { return ""; }
    return bo.name ? (bo.name !== id ? bo.name : "") : described(shape, canvas.getRootElement());
  }
  function sharedName(name) {
    return registry.filter(function (el) {
      return el.type !== "label" && el.businessObject && el.type.indexOf("bpmn:") === 0 && elementName(el.id) === name;
    }).length > 1;
  }
  function goTo(id) {
    modeler.get("selection").select(registry.get(id));
    title.setAttribute("tabindex", "-1"); title.focus();
  }
  function showProblems(problems) {
    drawn.forEach(function (id) { canvas.removeMarker(id, "has-problem"); canvas.removeMarker(id, "has-warning"); });
    overlays.remove({ type: "problem" });
    drawn = []; list.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li"); li.className = p.severity; li.setAttribute("tabindex", "-1");
      li.appendChild(document.createTextNode(p.severity === "warning" ? text("warning") : text("error")));
      if (p.element) {
        li.appendChild(document.createTextNode(" · "));
        var where = document.createElement(registry.get(p.element) ? "button" : "span");
        var name = elementName(p.element);
        where.textContent = name || p.element; where.setAttribute("translate", "no");
        if (where.tagName === "BUTTON") {
          where.type = "button"; where.className = "link";
          li.addEventListener("click", function () { goTo(p.element); });
        }
        li.appendChild(where);
        if (name) { where.title = label("id") + ": " + p.element; }
        if (name && sharedName(name)) {
          var id = document.createElement("span"); id.className = "element-id"; id.setAttribute("translate", "no");
          id.textContent = " (" + p.element + ")"; li.appendChild(id);
        }
      }
      li.appendChild(document.createTextNode(": " + p.message));
      list.appendChild(li);
      if (p.element && registry.get(p.element)) {
        canvas.addMarker(p.element, p.severity === "warning" ? "has-warning" : "has-problem");
        var note = document.createElement("div"); note.className = "problem-note " + p.severity; note.textContent = p.message;
        overlays.add(p.element, "problem", { position: { bottom: -4, left: 0 }, html: note });
        drawn.push(p.element);
      }
    });
  }
  // After a save or publish that found errors, the keyboard is taken to the first of them.
  function focusFirstError() {
    var first = list.querySelector("li.error");
    if (first) { (first.querySelector("button") || first).focus(); }
  }
  // The form in the schema box as it stands when saving or publishing (the preview takes it only
  // once the server has drawn it): the name of the form if it cannot be read, else "".
  function takeSchema() {
    var name = formPick.value, schema;
    if (!name) { return ""; }
    try { schema = JSON.parse(schemaBox.value); } catch (e) { return name; }
    if (JSON.stringify(forms[name]) !== JSON.stringify(schema)) { forms[name] = schema; edited[name] = true; }
    return "";
  }
  function save() {
    var sending = changes, unreadable = takeSchema();
    return modeler.saveXML({ format: true }).then(function (out) {
      return post(root.getAttribute("data-draft-url"), { xml: out.xml, forms: editedForms() });
    }).then(function (res) {
      if (res.said) { status.textContent = res.said; root.setAttribute("data-state", "unsaved"); return; }
      if (res.ok) { savedChanges = sending; }  // a draft is kept even with problems
      var problems = res.body.problems || [];
      showProblems(problems);
      var errors = problems.filter(function (p) { return p.severity !== "warning"; }).length;
      status.textContent = (res.ok ? text("saved", { at: res.body.saved_at_text }) + " " : "") +
        (errors ? text(errors === 1 ? "problem" : "problems", { n: errors }) : text("clean")) +
        (unreadable ? " " + text("schema-not-saved", { name: unreadable }) : "");
      if (unreadable) { savedChanges = -1; }  // the form as typed is still unsaved
      root.setAttribute("data-state", errors ? "problems" : "clean");
      if (errors) { focusFirstError(); }
    }).catch(function () { status.textContent = text("failed"); });
  }
  function publish() {
    var sending = changes, unreadable = takeSchema();
    if (unreadable) {  // never a version with another form than the one on the screen
      status.textContent = text("schema-blocks-publish", { name: unreadable });
      root.setAttribute("data-state", "problems");
      schemaBox.focus();
      return Promise.resolve();
    }
    return modeler.saveXML({ format: true }).then(function (out) {
      return post(root.getAttribute("data-publish-url"),
                  { xml: out.xml, forms: editedForms(), note: document.getElementById("editor-note").value });
    }).then(function (res) {
      if (res.said) { status.textContent = res.said; root.setAttribute("data-state", "unsaved"); return; }
      showProblems(res.body.problems || []);
      if (res.ok) {
        savedChanges = sending;
        status.textContent = text("published", { n: res.body.version });
        root.setAttribute("data-state", "published");
        edited = {}; fillFormPick(formPick.value);
      } else {
        var errors = (res.body.problems || []).filter(function (p) { return p.severity !== "warning"; }).length;
        status.textContent = text(errors === 1 ? "problem" : "problems", { n: errors });
        root.setAttribute("data-state", "problems");
        focusFirstError();
      }
    }).catch(function () { status.textContent = text("failed"); });
  }
  document.getElementById("editor-save").addEventListener("click", save);
  document.getElementById("editor-publish").addEventListener("click", publish);

  // The forms this diagram's steps use, in drawing order: the editor opens on the first of them
  // (the folder holds every procedure's forms; its first by name is another procedure's).
  function ownForms() {
    var used = [];
    registry.getAll().forEach(function (el) {
      var f = el.businessObject && getProp(el.businessObject, "formJsonSchemaFilename");
      if (f && forms[f] && used.indexOf(f) < 0) { used.push(f); }
    });
    return used;
  }

  // ---- open --------------------------------------------------------------------------------
  // The whole diagram when it can be read so; on a phone it would be drawn too small to read or
  // touch, so it opens at its left edge at a readable size and the modeller pans to the rest.
  var READABLE = 0.75;
  function showReadable() {
    if (canvas.zoom("fit-viewport") >= READABLE) { return; }
    var box = canvas.viewbox();
    canvas.viewbox({ x: box.inner.x - 10, y: box.inner.y - 10,
                     width: box.outer.width / READABLE, height: box.outer.height / READABLE });
  }

  // What bpmn-js could not draw (a flow to an element the diagram lacks…): its warnings name the
  // element in English for the console; the modeller reads them in the list, in the page's words.
  // One line per element (an element can give several warnings: the reference it lacks, then
  // the failed drawing); a warning that names no element still says something went undrawn.
  function undrawn(warnings) {
    var seen = {};
    var ids = warnings.map(function (w) { return (w.element && w.element.id) || ""; })
      .filter(function (id) { var again = seen[id]; seen[id] = true; return id && !again; });
    if (!ids.length && warnings.length) { ids = [""]; }
    return ids.map(function (id) { return { element: id, severity: "error", message: text("undrawn-item") }; });
  }
  // On opening: what the draft's last check found, and what could not be drawn.
  function opened(problems, warnings) {
    var notDrawn = undrawn(warnings || []);
    showProblems(notDrawn.concat(problems || []));
    var errors = (problems || []).filter(function (p) { return p.severity !== "warning"; }).length;
    var said = [];
    if (notDrawn.length) { said.push(text(notDrawn.length === 1 ? "undrawn" : "undrawns", { n: notDrawn.length })); }
    if (errors) { said.push(text(errors === 1 ? "problem" : "problems", { n: errors })); }
    status.textContent = said.join(" ");
    if (said.length) { root.setAttribute("data-state", "problems"); }
  }

  fetch(root.getAttribute("data-source-url"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (src) {
      forms = src.forms || {}; choices = src;
      return modeler.importXML(src.xml).then(function (result) {
        showReadable();
        show(canvas.getRootElement());
        fillElementPick();
        var first = ownForms()[0] || Object.keys(forms).sort()[0]; if (first) { pickForm(first); }
        opened(src.problems, result && result.warnings);
        root.setAttribute("data-ready", "true");
      }, function (err) {
        // Not a diagram bpmn-js can read at all: say so, with what the check found.
        opened(src.problems, (err && err.warnings) || []);
        status.textContent = text("unreadable") + (status.textContent ? " " + status.textContent : "");
        root.setAttribute("data-ready", "true");
      });
    })
    .catch(function () { status.textContent = text("failed"); });
})();
