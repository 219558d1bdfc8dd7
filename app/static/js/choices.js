/* Related fields whose choices load as one types (app/choices.py, /choices/<kind>).
 *
 * A <select class="choices-ajax"> holds only its chosen value. select2 asks the server for
 * one page of matches at a time, sending what was typed and the values of the fields it
 * depends on (data-choices-parents: {"estate": "estate", "building": "unit_building"}).
 * Changing a field clears the fields that depend on it. List filters added later get the
 * same treatment.
 */
(function ($) {
    "use strict";

    // select2's own words (the clear button's "Remove all items", "No results found"…)
    // in the reader's language, for every dropdown of the page, FAB's included: set before
    // the page's ready handlers turn the selects into dropdowns.
    var words = {};
    try {
        words = JSON.parse($("#select2-texts").text() || "{}");
    } catch (ignored) {
        words = {};
    }
    if ($.fn.select2 && $.fn.select2.defaults) {
        var language = {};
        $.each(words, function (key, text) {
            language[key] = function () { return text; };
        });
        $.fn.select2.defaults.set("language", language);
    }

    function fieldOf($form, name) {
        var $field = $form.find('[name="' + name + '"]');
        if (!$field.length) {  // a list filter row: _flt_<n>_<name>
            $field = $form.find('[name^="_flt_"][name$="_' + name + '"]');
        }
        return $field.first();
    }

    function init(select) {
        var $select = $(select);
        if ($select.data("select2") || $select.data("choicesReady")) {
            return;
        }
        $select.data("choicesReady", true);
        var $form = $select.closest("form");
        var parents = $select.data("choicesParents") || {};
        $select.select2({
            theme: "bootstrap",
            width: "100%",
            allowClear: !$select.prop("required"),
            placeholder: $select.data("placeholder") || "",
            minimumInputLength: 0,
            language: {
                searching: function () { return $select.data("textSearching"); },
                noResults: function () { return $select.data("textNoResults"); },
                loadingMore: function () { return $select.data("textMore"); },
                errorLoading: function () { return $select.data("textError"); }
            },
            ajax: {
                url: $select.data("choicesUrl"),
                dataType: "json",
                delay: 200,
                data: function (params) {
                    var query = {q: params.term || "", page: params.page || 1};
                    $.each(parents, function (param, name) {
                        var value = fieldOf($form, name).val();
                        if (value) {
                            query[param] = value;
                        }
                    });
                    return query;
                },
                cache: true
            }
        });
        // A field that depends on this one starts again when this one changes.
        $select.on("change", function () {
            var name = $select.attr("name");
            $form.find("select.choices-ajax").each(function () {
                var $child = $(this);
                var childParents = $child.data("choicesParents") || {};
                var dependent = $.map(childParents, function (field) { return field; });
                if ($.inArray(name, dependent) >= 0 && $child.val()) {
                    $child.val(null).trigger("change");
                }
            });
        });
    }

    function initAll(root) {
        $(root || document).find("select.choices-ajax").each(function () { init(this); });
    }

    $(function () {
        initAll(document);
        // FAB's list filters insert their fields when "Add filter" is chosen.
        $(document).on("click", "a.filter", function () {
            window.setTimeout(function () { initAll(document); }, 0);
        });
    });
}(jQuery));
