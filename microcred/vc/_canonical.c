/* The signing core's hottest loops, compiled. microcred.vc uses them where this module is built and its own Python
 * otherwise (tools/build_speedups.py builds it; make install runs that), with the same results.
 *
 * The JSON-LD walk's node objects (microcred.vc.expansion), described where they begin below:
 *
 *   walk_setup(settings) once, then walk_node(walker, element, ctx, graph, depth, top) -> the node's subject.
 *   quad_counts(quads) -> dict: Counter(quads), for the quads the walk made.
 *
 * RDFC-1.0's loops that run once per quad or per blank node (microcred.vc.rdfc10). They take the quads as rdfc10 has
 * them: a list of 4-tuples of str (subject, predicate, object, graph), every term already in canonical N-Quads form,
 * so that only a blank node starts with "_" and the default graph is "".
 *
 *   blank_node_quads(quads) -> dict: the blank node to quads map (RDFC-1.0 §4.4.3 step 2), blank nodes in order of
 *       first appearance, each quad listed once per blank node it mentions.
 *   canonical_nquads_utf8(quads, issued) -> bytes: the canonical N-Quads document (§4.4.3 steps 6-7) in UTF-8, each
 *       blank node written "_:" + issued[node] ("c14nN", as RDFC-1.0's issuer issues them), one line per distinct
 *       quad, lines sorted by code point (as UTF-8 bytes), joined.
 *   leaf_canonical_labels(bnode_map, hash, memo, memo_limit, memo_text) -> dict | None: the canonical labels
 *       (§4.4.3 steps 3-5) when no N-degree hashing has to look past a blank node; None otherwise.
 *
 * And the key under which the JSON-LD walk remembers what a node object converts to (microcred.vc.expansion):
 *
 *   json_key(value, max_values) -> bytes: equal for two JSON values exactly when they are equal with equal types
 *       throughout (in place of their pickles, which cost two to five times as much).
 *
 * And the copy that signing hashes and returns (microcred.vc.data_integrity):
 *
 *   json_copy(value) -> a deep copy of JSON data: new dicts and lists, the same (immutable) str, int, float, True,
 *       False and None; ValueError at an integer beyond +-(2^53-1), TypeError at anything else (the Python copy
 *       takes those documents), RecursionError as deep as Python's own recursion limit.
 *
 * And base58btc (the Bitcoin alphabet) for proof values and keys (microcred.vc.multikey):
 *
 *   base58_encode(data: bytes) -> str: leading zero bytes become leading "1"s.
 *   base58_decode(text: str) -> bytes | None: the inverse; None when text holds a character outside the alphabet
 *       (the caller says which) or is longer than 4096 characters.
 *
 * microcred/vc/tests/test_vc_canonical_speedups.py compares each with the Python it replaces, and
 * test_vc_compiled_walk.py the walk.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The four terms of quads[i], borrowed; NULL with TypeError if it is not a 4-tuple of str. */
static int
quad_terms(PyObject *quad, PyObject **terms)
{
    if (!PyTuple_CheckExact(quad) || PyTuple_GET_SIZE(quad) != 4) {
        PyErr_SetString(PyExc_TypeError, "a quad is a tuple of four str");
        return -1;
    }
    for (Py_ssize_t k = 0; k < 4; k++) {
        terms[k] = PyTuple_GET_ITEM(quad, k);
        if (!PyUnicode_CheckExact(terms[k])) {
            PyErr_SetString(PyExc_TypeError, "a quad is a tuple of four str");
            return -1;
        }
    }
    return 0;
}

static int
is_blank(PyObject *term)
{
    return PyUnicode_GET_LENGTH(term) > 0 && PyUnicode_READ_CHAR(term, 0) == '_';
}

/* Append quad to map[node], making the list on first sight. */
static int
add_to(PyObject *map, PyObject *node, PyObject *quad)
{
    PyObject *list = PyDict_GetItemWithError(map, node); /* borrowed */
    if (list != NULL) {
        return PyList_Append(list, quad);
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    list = PyList_New(1);
    if (list == NULL) {
        return -1;
    }
    Py_INCREF(quad);
    PyList_SET_ITEM(list, 0, quad);
    int failed = PyDict_SetItem(map, node, list);
    Py_DECREF(list);
    return failed;
}

static PyObject *
blank_node_quads(PyObject *module, PyObject *quads)
{
    if (!PyList_CheckExact(quads)) {
        PyErr_SetString(PyExc_TypeError, "quads must be a list");
        return NULL;
    }
    PyObject *map = PyDict_New();
    if (map == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(quads); i++) {
        PyObject *quad = PyList_GET_ITEM(quads, i);
        PyObject *t[4];
        if (quad_terms(quad, t) < 0) {
            goto error;
        }
        PyObject *s = t[0], *o = t[2], *g = t[3];
        if (is_blank(s) && add_to(map, s, quad) < 0) {
            goto error;
        }
        if (is_blank(o)) {
            int same = PyUnicode_Compare(o, s);
            if (same == -1 && PyErr_Occurred()) {
                goto error;
            }
            if (same != 0 && add_to(map, o, quad) < 0) {
                goto error;
            }
        }
        if (is_blank(g)) {
            int as_s = PyUnicode_Compare(g, s), as_o = PyUnicode_Compare(g, o);
            if (PyErr_Occurred()) {
                goto error;
            }
            if (as_s != 0 && as_o != 0 && add_to(map, g, quad) < 0) {
                goto error;
            }
        }
    }
    return map;
error:
    Py_DECREF(map);
    return NULL;
}

/* canonical_nquads_utf8: see the top of the file; made in UTF-8 from the start. Lines are
 * sorted as bytes: the order of UTF-8 bytes is the order of code points. */
typedef struct {
    const char *at;
    Py_ssize_t length;
} span;

static int
compare_spans(const void *x, const void *y)
{
    const span *a = x, *b = y;
    Py_ssize_t n = a->length < b->length ? a->length : b->length;
    int order = memcmp(a->at, b->at, (size_t)n);
    if (order != 0) {
        return order;
    }
    return a->length < b->length ? -1 : a->length > b->length;
}

/* A line and where its subject, predicate and object are in UTF-8: lines that begin with the same terms (the same
 * str objects, as the walk makes a node's subject and a property's predicate once) are compared from the first term
 * that is not the same, the bytes before being equal. A credential's lines share long subjects and predicates. */
typedef struct {
    span line;
    const char *term[3];
    Py_ssize_t term_length[3];
} utf8_line;

static int
compare_lines(const void *x, const void *y)
{
    const utf8_line *a = x, *b = y;
    Py_ssize_t skip = 0;
    for (int k = 0; k < 3 && a->term[k] == b->term[k] && a->term_length[k] == b->term_length[k]; k++) {
        skip += a->term_length[k] + 1; /* the term and the space after it, in both lines */
    }
    span rest_a = {a->line.at + skip, a->line.length - skip}, rest_b = {b->line.at + skip, b->line.length - skip};
    return compare_spans(&rest_a, &rest_b);
}

static int
compare_line_pointers(const void *x, const void *y)
{
    return compare_lines(*(utf8_line *const *)x, *(utf8_line *const *)y);
}

static PyObject *
canonical_nquads_utf8(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0]) || !PyDict_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "canonical_nquads_utf8(quads: list, issued: dict)");
        return NULL;
    }
    /* No Python code runs here: the quads' terms and the labels are borrowed from the list and the dict. */
    PyObject *quads = args[0], *issued = args[1], *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(quads);
    utf8_line *lines = PyMem_Malloc(sizeof(utf8_line) * (size_t)(n + 1));
    utf8_line **order = PyMem_Malloc(sizeof(utf8_line *) * (size_t)(n + 1));
    const char **utf8 = PyMem_Malloc(sizeof(char *) * (size_t)(4 * n + 1));
    Py_ssize_t *sizes = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(4 * n + 1));
    char *text = NULL;
    if (lines == NULL || order == NULL || utf8 == NULL || sizes == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t[4];
        if (quad_terms(PyList_GET_ITEM(quads, i), t) < 0) {
            goto done;
        }
        for (int k = 0; k < 4; k++) {
            PyObject *term = t[k];
            int blank = k != 1 && is_blank(term);
            if (blank) {
                term = PyDict_GetItemWithError(issued, t[k]);
                if (term == NULL) {
                    if (!PyErr_Occurred()) {
                        PyErr_SetObject(PyExc_KeyError, t[k]);
                    }
                    goto done;
                }
                if (!PyUnicode_CheckExact(term)) {
                    PyErr_SetString(PyExc_TypeError, "a blank node's label must be a str");
                    goto done;
                }
            }
            const char *bytes = PyUnicode_AsUTF8AndSize(term, &sizes[4 * i + k]);
            if (bytes == NULL) {
                goto done;
            }
            utf8[4 * i + k] = bytes;
            if (blank) {
                sizes[4 * i + k] = -sizes[4 * i + k] - 2; /* written "_:" + label: negative, its length */
            }
            Py_ssize_t size = sizes[4 * i + k] < 0 ? -sizes[4 * i + k] : sizes[4 * i + k];
            total += size + 1; /* and the space or the " .\n" after it, counted below */
        }
        total += 3;
    }
    text = PyMem_Malloc((size_t)total + 1);
    if (text == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    char *at = text;
    for (Py_ssize_t i = 0; i < n; i++) {
        char *start = at;
        for (int k = 0; k < 4; k++) {
            Py_ssize_t size = sizes[4 * i + k];
            int blank = size < 0;
            if (blank) {
                size = -size;
            }
            if (k < 3) {
                lines[i].term[k] = utf8[4 * i + k];
                lines[i].term_length[k] = size;
            }
            if (k == 3 && size == 0) {
                break;
            }
            if (k > 0) {
                *at++ = ' ';
            }
            if (blank) {
                memcpy(at, "_:", 2);
                memcpy(at + 2, utf8[4 * i + k], (size_t)(size - 2));
            }
            else {
                memcpy(at, utf8[4 * i + k], (size_t)size);
            }
            at += size;
        }
        memcpy(at, " .\n", 3);
        at += 3;
        lines[i].line.at = start;
        lines[i].line.length = at - start;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        order[i] = &lines[i];
    }
    qsort(order, (size_t)n, sizeof(utf8_line *), compare_line_pointers); /* pointers: cheaper to move than lines */
    Py_ssize_t length = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i == 0 || compare_lines(order[i], order[i - 1]) != 0) {
            length += order[i]->line.length;
        }
    }
    result = PyBytes_FromStringAndSize(NULL, length);
    if (result == NULL) {
        goto done;
    }
    char *out = PyBytes_AS_STRING(result);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i == 0 || compare_lines(order[i], order[i - 1]) != 0) {
            memcpy(out, order[i]->line.at, (size_t)order[i]->line.length);
            out += order[i]->line.length;
        }
    }
done:
    PyMem_Free(order);
    PyMem_Free(sizes);
    PyMem_Free(utf8);
    PyMem_Free(lines);
    PyMem_Free(text);
    return result;
}

/* leaf_canonical_labels: RDFC-1.0's canonical labels (§4.4.3 steps 3-5) when no N-degree hashing has to look past a
 * blank node, None otherwise (rdfc10 then runs the whole algorithm).
 *
 * bnode_map is blank_node_quads' map, hash the hash function (hashlib.sha256); memo, memo_limit and memo_text are
 * rdfc10's memo of first-degree hashes and its bounds, shared with the Python loops. Each blank node's
 * first-degree hash (§4.6: its quads with itself as _:a and other blank nodes as _:z, lines sorted by code point,
 * i.e. as UTF-8 bytes, joined, hashed) is computed in map order; unique hashes are issued c14n0, c14n1... in hash
 * order. Blank nodes sharing a hash need Hash N-Degree Quads (§4.8); when none of them is related to another blank
 * node (a credential's two identical addresses), each one's N-degree hash is the hash of nothing, so they are issued
 * in map order, each group in hash order, within the work limit (one call each; the caller checks the limit allows
 * it). Any other shared hash answers None. Returns {blank node: "c14nN"} in the order issued. */
static int
blank_other_than(PyObject *term, PyObject *ref)
{
    return is_blank(term) && term != ref && PyUnicode_Compare(term, ref) != 0;
}

static PyObject *A_DIGEST; /* "digest", interned when the module is loaded */

static PyObject *
first_degree_hash(PyObject *ref, PyObject *quads, PyObject *hash, Py_ssize_t *hashed)
{
    static const char *const HEX = "0123456789abcdef";
    Py_ssize_t n = PyList_GET_SIZE(quads), total = 0;
    span *lines = PyMem_Malloc(sizeof(span) * (size_t)(n + 1));
    char *text = NULL;
    PyObject *joined = NULL, *hasher = NULL, *digest = NULL, *answer = NULL;
    if (lines == NULL) {
        return PyErr_NoMemory();
    }
    for (int pass = 0; pass < 2; pass++) {
        char *at = text;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *t[4];
            if (quad_terms(PyList_GET_ITEM(quads, i), t) < 0) {
                goto done;
            }
            char *start = at;
            for (int k = 0; k < 4; k++) {
                const char *utf8;
                Py_ssize_t size;
                if (k != 1 && is_blank(t[k])) {
                    int self = t[k] == ref || PyUnicode_Compare(t[k], ref) == 0;
                    utf8 = self ? "_:a" : "_:z";
                    size = 3;
                }
                else {
                    utf8 = PyUnicode_AsUTF8AndSize(t[k], &size);
                    if (utf8 == NULL) {
                        goto done;
                    }
                }
                if (k == 3 && size == 0) {
                    break;
                }
                if (pass == 0) {
                    total += size + 1;
                    continue;
                }
                if (k > 0) {
                    *at++ = ' ';
                }
                memcpy(at, utf8, (size_t)size);
                at += size;
            }
            if (pass == 0) {
                total += 3;
                continue;
            }
            memcpy(at, " .\n", 3);
            at += 3;
            lines[i].at = start;
            lines[i].length = at - start;
        }
        if (pass == 0) {
            text = PyMem_Malloc((size_t)total + 1);
            if (text == NULL) {
                PyErr_NoMemory();
                goto done;
            }
        }
    }
    qsort(lines, (size_t)n, sizeof(span), compare_spans);
    Py_ssize_t length = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        length += lines[i].length;
    }
    *hashed = length;
    joined = PyBytes_FromStringAndSize(NULL, length);
    if (joined == NULL) {
        goto done;
    }
    char *out = PyBytes_AS_STRING(joined);
    for (Py_ssize_t i = 0; i < n; i++) { /* every line, repeated ones too (§4.6.3) */
        memcpy(out, lines[i].at, (size_t)lines[i].length);
        out += lines[i].length;
    }
    hasher = PyObject_CallOneArg(hash, joined);
    digest = hasher != NULL ? PyObject_CallMethodNoArgs(hasher, A_DIGEST) : NULL;
    if (digest == NULL) {
        goto done;
    }
    if (!PyBytes_Check(digest)) {
        PyErr_SetString(PyExc_TypeError, "a digest is bytes");
        goto done;
    }
    Py_ssize_t size = PyBytes_GET_SIZE(digest);
    const unsigned char *raw = (const unsigned char *)PyBytes_AS_STRING(digest);
    answer = PyUnicode_New(2 * size, 127);
    if (answer == NULL) {
        goto done;
    }
    Py_UCS1 *hex = PyUnicode_1BYTE_DATA(answer);
    for (Py_ssize_t i = 0; i < size; i++) {
        hex[2 * i] = (Py_UCS1)HEX[raw[i] >> 4];
        hex[2 * i + 1] = (Py_UCS1)HEX[raw[i] & 15];
    }
done:
    Py_XDECREF(digest);
    Py_XDECREF(hasher);
    Py_XDECREF(joined);
    PyMem_Free(text);
    PyMem_Free(lines);
    return answer;
}

#define CANONICAL_LABELS_KEPT 256
static PyObject *CANONICAL_LABELS[CANONICAL_LABELS_KEPT];

static int
issue_label(PyObject *issued, PyObject *node)
{
    int present = PyDict_Contains(issued, node);
    if (present != 0) {
        return present < 0 ? -1 : 0;
    }
    Py_ssize_t number = PyDict_GET_SIZE(issued);
    PyObject *label;
    if (number < CANONICAL_LABELS_KEPT) { /* made once */
        if (CANONICAL_LABELS[number] == NULL) {
            CANONICAL_LABELS[number] = PyUnicode_FromFormat("c14n%zd", number);
            if (CANONICAL_LABELS[number] == NULL) {
                return -1;
            }
        }
        label = Py_NewRef(CANONICAL_LABELS[number]);
    }
    else {
        label = PyUnicode_FromFormat("c14n%zd", number);
        if (label == NULL) {
            return -1;
        }
    }
    int failed = PyDict_SetItem(issued, node, label);
    Py_DECREF(label);
    return failed;
}

static PyObject *
leaf_canonical_labels(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyDict_CheckExact(args[0]) || !PyCallable_Check(args[1]) || !PyDict_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "leaf_canonical_labels(bnode_map: dict, hash, memo: dict, memo_limit: int, memo_text: int)");
        return NULL;
    }
    PyObject *map = args[0], *hash = args[1], *memo = args[2];
    Py_ssize_t memo_limit = PyLong_AsSsize_t(args[3]), memo_text = PyLong_AsSsize_t(args[4]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    PyObject *by_hash = PyDict_New(), *issued = PyDict_New(), *hashes = NULL, *answer = NULL;
    if (by_hash == NULL || issued == NULL) {
        goto done;
    }
    Py_ssize_t position = 0;
    PyObject *node, *quads;
    while (PyDict_Next(map, &position, &node, &quads)) {
        if (!PyUnicode_CheckExact(node) || !PyList_CheckExact(quads)) {
            PyErr_SetString(PyExc_TypeError, "the map is of str to lists of quads");
            goto done;
        }
        /* rdfc10's memo of first-degree hashes, under rdfc10's key: (hash, sort key, node, its quads) */
        PyObject *listed = PyList_AsTuple(quads);
        PyObject *key = listed != NULL ? PyTuple_Pack(4, hash, Py_None, node, listed) : NULL;
        Py_XDECREF(listed);
        if (key == NULL) {
            goto done;
        }
        PyObject *h = PyDict_GetItemWithError(memo, key); /* borrowed */
        if (h != NULL) {
            Py_INCREF(h);
        }
        else if (!PyErr_Occurred()) {
            Py_ssize_t hashed = 0;
            h = first_degree_hash(node, quads, hash, &hashed);
            if (h != NULL && hashed <= memo_text) { /* bytes: never longer in characters */
                if (PyDict_GET_SIZE(memo) >= memo_limit) {
                    PyDict_Clear(memo);
                }
                if (PyDict_SetItem(memo, key, h) < 0) {
                    Py_CLEAR(h);
                }
            }
        }
        Py_DECREF(key);
        if (h == NULL) {
            goto done;
        }
        PyObject *members = PyDict_GetItemWithError(by_hash, h); /* borrowed */
        int failed;
        if (members != NULL) {
            failed = PyList_Append(members, node);
        }
        else if (PyErr_Occurred()) {
            failed = 1;
        }
        else {
            members = PyList_New(1);
            failed = members == NULL;
            if (!failed) {
                Py_INCREF(node);
                PyList_SET_ITEM(members, 0, node);
                failed = PyDict_SetItem(by_hash, h, members) < 0;
                Py_DECREF(members);
            }
        }
        Py_DECREF(h);
        if (failed) {
            goto done;
        }
    }
    hashes = PyDict_Keys(by_hash);
    if (hashes == NULL || PyList_Sort(hashes) < 0) {
        goto done;
    }
    Py_ssize_t count = PyList_GET_SIZE(hashes);
    for (int shared = 0; shared < 2; shared++) { /* step 4: unique hashes; step 5: shared ones */
        for (Py_ssize_t i = 0; i < count; i++) {
            PyObject *members = PyDict_GetItem(by_hash, PyList_GET_ITEM(hashes, i)); /* borrowed */
            Py_ssize_t size = PyList_GET_SIZE(members);
            if ((size > 1) != shared) {
                continue;
            }
            for (Py_ssize_t m = 0; m < size; m++) {
                PyObject *member = PyList_GET_ITEM(members, m);
                if (shared) {
                    PyObject *own = PyDict_GetItem(map, member); /* borrowed */
                    for (Py_ssize_t q = 0; q < PyList_GET_SIZE(own); q++) {
                        PyObject *t[4];
                        if (quad_terms(PyList_GET_ITEM(own, q), t) < 0) {
                            goto done;
                        }
                        if (blank_other_than(t[0], member) || blank_other_than(t[2], member) ||
                            blank_other_than(t[3], member)) {
                            answer = Py_NewRef(Py_None);
                            goto done;
                        }
                    }
                }
                if (issue_label(issued, member) < 0) {
                    goto done;
                }
            }
        }
    }
    answer = Py_NewRef(issued);
done:
    Py_XDECREF(hashes);
    Py_XDECREF(by_hash);
    Py_XDECREF(issued);
    return answer;
}

/* quad_counts(quads) -> dict: Counter(quads) for a list: each distinct quad, in order of first appearance, with how
 * many times it is in the list; the dict made at its final size where CPython lets an extension do so (3.11, 3.12),
 * and a quad seen once hashed once. (microcred.vc.expansion: the walk's quads, to drop repeats and check repeated
 * literals.) */
static PyObject *
quad_counts(PyObject *module, PyObject *quads)
{
    if (!PyList_CheckExact(quads)) {
        PyErr_SetString(PyExc_TypeError, "quad_counts(quads: list)");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(quads);
#if PY_VERSION_HEX < 0x030D0000
    PyObject *counts = _PyDict_NewPresized(n);
#else
    PyObject *counts = PyDict_New();
#endif
    if (counts == NULL) {
        return NULL;
    }
    PyObject *one = PyLong_FromLong(1);
    if (one == NULL) {
        Py_DECREF(counts);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *quad = PyList_GET_ITEM(quads, i);
        /* set to 1 unless present (the dict grows when it was not): one look-up for a quad seen the first time */
        Py_ssize_t before = PyDict_GET_SIZE(counts);
        PyObject *count = PyDict_SetDefault(counts, quad, one); /* borrowed */
        if (count == NULL) {
            goto error;
        }
        if (PyDict_GET_SIZE(counts) == before) {
            PyObject *more = PyNumber_Add(count, one);
            int failed = more == NULL || PyDict_SetItem(counts, quad, more) < 0;
            Py_XDECREF(more);
            if (failed) {
                goto error;
            }
        }
    }
    Py_DECREF(one);
    return counts;
error:
    Py_DECREF(one);
    Py_DECREF(counts);
    return NULL;
}

/* json_key: an exact key for a JSON value, for remembering what a node object converts to (expansion.py).
 *
 * Two values get the same key exactly when they are equal with equal types throughout: dicts with the same keys in
 * the same order, lists, str, int, float (the same bits: 0.0 and -0.0 differ), True, False and None (1, 1.0 and True
 * all differ). Each value is written as a tag, then a length where it has one, then its content, so no key is
 * the start of another. Anything else (a subclass, a tuple, a str that is not valid UTF-8) raises TypeError or
 * ValueError: the caller then converts that value without remembering it. */
typedef struct {
    char *data;
    Py_ssize_t length, capacity;
} buffer;

static int
put(buffer *b, const void *bytes, Py_ssize_t n)
{
    if (b->length + n > b->capacity) {
        Py_ssize_t capacity = b->capacity * 2 > b->length + n ? b->capacity * 2 : b->length + n;
        char *grown = PyMem_Realloc(b->data, (size_t)capacity);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, bytes, (size_t)n);
    b->length += n;
    return 0;
}

static int
put_sized(buffer *b, char tag, Py_ssize_t size)
{
    char head[1 + sizeof(Py_ssize_t)];
    head[0] = tag;
    memcpy(head + 1, &size, sizeof(Py_ssize_t));
    return put(b, head, sizeof(head));
}

static int
put_str(buffer *b, PyObject *text)
{
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL) {
        return -1;
    }
    return put_sized(b, 'S', size) < 0 ? -1 : put(b, utf8, size);
}

static int
put_json(buffer *b, PyObject *value, Py_ssize_t *budget)
{
    if (--*budget < 0) {
        PyErr_SetString(PyExc_ValueError, "too large to remember");
        return -1;
    }
    if (value == Py_None) {
        return put(b, "N", 1);
    }
    if (value == Py_True) {
        return put(b, "T", 1);
    }
    if (value == Py_False) {
        return put(b, "F", 1);
    }
    if (PyUnicode_CheckExact(value)) {
        return put_str(b, value);
    }
    if (PyLong_CheckExact(value)) {
        PyObject *digits = PyObject_Str(value);
        if (digits == NULL) {
            return -1;
        }
        Py_ssize_t size;
        const char *text = PyUnicode_AsUTF8AndSize(digits, &size);
        int failed = text == NULL || put_sized(b, 'I', size) < 0 || put(b, text, size) < 0;
        Py_DECREF(digits);
        return failed ? -1 : 0;
    }
    if (PyFloat_CheckExact(value)) {
        double number = PyFloat_AS_DOUBLE(value);
        return put(b, "D", 1) < 0 ? -1 : put(b, &number, sizeof(number));
    }
    if (PyList_CheckExact(value) || PyDict_CheckExact(value)) {
        if (Py_EnterRecursiveCall(" while remembering a JSON value")) {
            return -1;
        }
        int failed = 0;
        if (PyList_CheckExact(value)) {
            Py_ssize_t n = PyList_GET_SIZE(value);
            failed = put_sized(b, 'L', n) < 0;
            for (Py_ssize_t i = 0; !failed && i < PyList_GET_SIZE(value); i++) {
                failed = put_json(b, PyList_GET_ITEM(value, i), budget) < 0;
            }
            if (!failed && PyList_GET_SIZE(value) != n) {
                PyErr_SetString(PyExc_RuntimeError, "the list changed while it was read");
                failed = 1;
            }
        }
        else {
            Py_ssize_t pos = 0, n = PyDict_GET_SIZE(value);
            PyObject *k, *v;
            failed = put_sized(b, 'M', n) < 0;
            while (!failed && PyDict_Next(value, &pos, &k, &v)) {
                if (!PyUnicode_CheckExact(k)) {
                    PyErr_SetString(PyExc_TypeError, "a JSON object's keys are str");
                    failed = 1;
                    break;
                }
                Py_INCREF(k);
                Py_INCREF(v);
                failed = put_str(b, k) < 0 || put_json(b, v, budget) < 0;
                Py_DECREF(k);
                Py_DECREF(v);
            }
            if (!failed && PyDict_GET_SIZE(value) != n) {
                PyErr_SetString(PyExc_RuntimeError, "the object changed while it was read");
                failed = 1;
            }
        }
        Py_LeaveRecursiveCall();
        return failed ? -1 : 0;
    }
    PyErr_Format(PyExc_TypeError, "%.100s is not a JSON value", Py_TYPE(value)->tp_name);
    return -1;
}

static PyObject *
json_key(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "json_key(value, max_values: int)");
        return NULL;
    }
    Py_ssize_t budget = PyLong_AsSsize_t(args[1]);
    if (budget < 0 && PyErr_Occurred()) {
        return NULL;
    }
    buffer b = {PyMem_Malloc(1024), 0, 1024};
    if (b.data == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *key = put_json(&b, args[0], &budget) < 0 ? NULL : PyBytes_FromStringAndSize(b.data, b.length);
    PyMem_Free(b.data);
    return key;
}

/* json_copy: see the top of the file. */
#define MAX_SAFE_INTEGER 9007199254740991LL

static PyObject *
copy_json(PyObject *value)
{
    if (value == Py_None || value == Py_True || value == Py_False || PyUnicode_CheckExact(value) ||
        PyFloat_CheckExact(value)) {
        return Py_NewRef(value);
    }
    if (PyLong_CheckExact(value)) {
        int overflow;
        long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (number == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (overflow || number > MAX_SAFE_INTEGER || number < -MAX_SAFE_INTEGER) {
            PyErr_SetString(PyExc_ValueError, "an integer beyond +-(2^53-1)");
            return NULL;
        }
        return Py_NewRef(value);
    }
    int is_list = PyList_CheckExact(value);
    if (!is_list && !PyDict_CheckExact(value)) {
        PyErr_Format(PyExc_TypeError, "%.100s is not plain JSON data", Py_TYPE(value)->tp_name);
        return NULL;
    }
    if (Py_EnterRecursiveCall(" while copying a JSON value")) {
        return NULL;
    }
    PyObject *copy = NULL;
    if (is_list) {
        Py_ssize_t n = PyList_GET_SIZE(value);
        copy = PyList_New(n);
        /* Only a finalizer run by the garbage collector could change the value meanwhile: what is read is held, and
         * a change of size is refused (as json_key does). */
        for (Py_ssize_t i = 0; copy != NULL && i < n; i++) {
            if (PyList_GET_SIZE(value) != n) {
                PyErr_SetString(PyExc_RuntimeError, "the list changed while it was copied");
                Py_CLEAR(copy);
                break;
            }
            PyObject *original = Py_NewRef(PyList_GET_ITEM(value, i));
            PyObject *item = copy_json(original);
            Py_DECREF(original);
            if (item == NULL) {
                Py_CLEAR(copy);
                break;
            }
            PyList_SET_ITEM(copy, i, item);
        }
    }
    else {
        copy = PyDict_New();
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (copy != NULL && PyDict_Next(value, &pos, &k, &v)) {
            if (!PyUnicode_CheckExact(k)) {
                PyErr_SetString(PyExc_TypeError, "a JSON object's keys are str");
                Py_CLEAR(copy);
                break;
            }
            Py_INCREF(k);
            Py_INCREF(v);
            PyObject *item = copy_json(v);
            int failed = item == NULL || PyDict_SetItem(copy, k, item) < 0;
            Py_XDECREF(item);
            Py_DECREF(k);
            Py_DECREF(v);
            if (failed) {
                Py_CLEAR(copy);
                break;
            }
        }
        if (copy != NULL && PyDict_GET_SIZE(copy) != PyDict_GET_SIZE(value)) {
            PyErr_SetString(PyExc_RuntimeError, "the object changed while it was copied");
            Py_CLEAR(copy);
        }
    }
    Py_LeaveRecursiveCall();
    return copy;
}

static PyObject *
json_copy(PyObject *module, PyObject *value)
{
    return copy_json(value);
}

/* base58btc: see the top of the file. The number is kept in 32-bit limbs, most significant first, and divided (or
 * multiplied) by 58^5 at a time, so that each pass over the limbs yields (or takes) five digits. */
static const char B58_ALPHABET[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
#define B58_FIVE 656356768u /* 58^5 */
#define B58_MAX_TEXT 4096
static signed char B58_INDEX[128]; /* an ASCII character's digit, or -1; filled when the module is loaded */

static PyObject *
base58_encode(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    const unsigned char *data = view.buf;
    Py_ssize_t n = view.len, zeros = 0;
    while (zeros < n && data[zeros] == 0) {
        zeros++;
    }
    Py_ssize_t limbs = (n - zeros + 3) / 4;
    /* 5 digits per 29.29 bits: at most 138 digits per 100 bytes, plus a chunk's worth of slack */
    Py_ssize_t capacity = zeros + (n - zeros) * 138 / 100 + 6;
    uint32_t *number = PyMem_Malloc(sizeof(uint32_t) * (size_t)(limbs ? limbs : 1));
    char *digits = PyMem_Malloc((size_t)capacity + 5);
    if (number == NULL || digits == NULL) {
        PyMem_Free(number);
        PyMem_Free(digits);
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    /* the big-endian bytes after the zeros into limbs (the first limb takes the odd bytes) */
    Py_ssize_t at = zeros, first = (n - zeros) % 4 ? (n - zeros) % 4 : 4;
    for (Py_ssize_t i = 0; i < limbs; i++) {
        Py_ssize_t take = i == 0 ? first : 4;
        uint32_t limb = 0;
        for (Py_ssize_t j = 0; j < take; j++) {
            limb = (limb << 8) | data[at++];
        }
        number[i] = limb;
    }
    PyBuffer_Release(&view);
    Py_ssize_t written = 0, start = 0; /* digits written least significant first; number[start..] is non-zero */
    while (start < limbs) {
        uint64_t rem = 0;
        for (Py_ssize_t i = start; i < limbs; i++) {
            uint64_t current = (rem << 32) | number[i];
            number[i] = (uint32_t)(current / B58_FIVE);
            rem = current % B58_FIVE;
        }
        while (start < limbs && number[start] == 0) {
            start++;
        }
        for (int j = 0; j < 5; j++) {
            digits[written++] = B58_ALPHABET[rem % 58];
            rem /= 58;
        }
    }
    while (written > 0 && digits[written - 1] == '1') { /* the last chunk's leading zero digits */
        written--;
    }
    PyObject *text = PyUnicode_New(zeros + written, 127);
    if (text != NULL) {
        Py_UCS1 *out = PyUnicode_1BYTE_DATA(text);
        memset(out, '1', (size_t)zeros);
        for (Py_ssize_t i = 0; i < written; i++) {
            out[zeros + i] = (Py_UCS1)digits[written - 1 - i];
        }
    }
    PyMem_Free(number);
    PyMem_Free(digits);
    return text;
}

static PyObject *
base58_decode(PyObject *module, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "base58_decode(text: str)");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    if (n > B58_MAX_TEXT || !PyUnicode_IS_ASCII(arg)) {
        Py_RETURN_NONE;
    }
    const Py_UCS1 *text = PyUnicode_1BYTE_DATA(arg);
    Py_ssize_t zeros = 0;
    while (zeros < n && text[zeros] == '1') {
        zeros++;
    }
    /* 58^n < 2^(5.86 n): limbs for the number, least significant first */
    Py_ssize_t capacity = (n - zeros) * 586 / 3200 + 2, limbs = 0;
    uint32_t *number = PyMem_Calloc((size_t)capacity, sizeof(uint32_t));
    if (number == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t i = zeros;
    while (i < n) {
        uint64_t factor = 1, chunk = 0;
        for (int j = 0; j < 5 && i < n; j++, i++) {
            int digit = B58_INDEX[text[i]]; /* (text is ASCII) */
            if (digit < 0) {
                PyMem_Free(number);
                Py_RETURN_NONE;
            }
            chunk = chunk * 58 + (uint64_t)digit;
            factor *= 58;
        }
        uint64_t carry = chunk;
        for (Py_ssize_t k = 0; k < limbs; k++) {
            uint64_t current = (uint64_t)number[k] * factor + carry;
            number[k] = (uint32_t)current;
            carry = current >> 32;
        }
        while (carry) {
            number[limbs++] = (uint32_t)carry;
            carry >>= 32;
        }
    }
    Py_ssize_t bytes = limbs * 4;
    while (bytes > 0 && ((number[(bytes - 1) / 4] >> (8 * ((bytes - 1) % 4))) & 0xff) == 0) {
        bytes--;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, zeros + bytes);
    if (out != NULL) {
        unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
        memset(o, 0, (size_t)zeros);
        for (Py_ssize_t b = 0; b < bytes; b++) { /* byte b counted from the least significant */
            o[zeros + bytes - 1 - b] = (unsigned char)(number[b / 4] >> (8 * (b % 4)));
        }
    }
    PyMem_Free(number);
    return out;
}

/* walk_node: the JSON-LD walk's node objects (microcred.vc.expansion, _Walker.node and _Walker.plain), compiled.
 *
 *   walk_setup(settings: dict) -> None: what the walk needs from expansion.py (its exceptions, constants and
 *       the Python methods it hands the rarer cases to), once, when expansion.py is imported.
 *   walk_node(walker, element, ctx, graph, depth, top) -> str: the subject of the node object ``element``, its
 *       quads appended to walker.quads as _Walker.node appends them.
 *
 * It follows _Walker.node and _Walker.plain step by step, with the same checks in the same order and the same
 * exceptions. It does itself what a credential is mostly made of (keys, @id and @type, nested node objects, lists,
 * strings that need no escape, true, false and safe integers, an @id that is a plain absolute IRI, the replay of a
 * remembered subtree) and calls the walker's and the active context's Python methods for the rest: the active
 * context after @type when ctx.types does not hold it (ctx.with_types), other IRI expansion (ctx.expand_iri,
 * walker.iri_term), a property's conversion not yet in ctx.props (ctx.prop), other containers (walker.values), a
 * subtree not remembered (walker.identified_node), other scalars (walker.scalar), and a node object with a key that
 * is not exactly a str (walker._node). The documents it reads may be changed by another thread while those run: it
 * holds a reference to every value it is working on. test_vc_compiled_walk.py holds it to the Python walk. */

static PyObject *W_UNSAFE, *W_REFUSE, *W_RDF_TYPE, *W_ID, *W_ID_KEY;
static PyObject *A_ALIASES, *A_OTHER_ALIASES, *A_PROPS, *A_TERMS, *A_TYPES, *A_PROP, *A_WITH_TYPES, *A_EXPAND_IRI,
    *A_IRI_TERM, *A_PRED, *A_SUFFIX, *A_VTYPE, *A_TYPED_STRING, *A_CHILD_CTX, *A_ID_CTX, *A_QUADS, *A_TYPED_STRINGS,
    *A_UNMERGEABLE, *A_COUNTER, *A_VALUES, *A_SCALAR, *A_IDENTIFIED_NODE, *A_PY_NODE, *A_WALK_VIEW, *A_SUBTREES,
    *A_BNODES, *A_INSTANCES, *A_INSTANCE;
static long W_MAX_DEPTH = -1;
static Py_ssize_t W_SUBTREE_MIN_KEYS, W_SUBTREE_MIN_BYTES, W_SUBTREE_MAX_BYTES, W_SUBTREE_MAX_VALUES;

/* _BAD_CHARS of jsonld.py: [\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff] */
static int
bad_char(Py_UCS4 c)
{
    return (c <= 0x1f && c != 0x09 && c != 0x0a && c != 0x0d) || (c >= 0xd800 && c <= 0xdfff);
}

/* _SPECIAL of expansion.py: [\x00-\x1f"\\\x7f\ud800-\udfff] */
static int
special_char(Py_UCS4 c)
{
    return c <= 0x1f || c == '"' || c == '\\' || c == 0x7f || (c >= 0xd800 && c <= 0xdfff);
}

static int
any_char(PyObject *text, int (*test)(Py_UCS4))
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (test(p[i])) {
                return 1;
            }
        }
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (test(PyUnicode_READ(kind, data, i))) {
            return 1;
        }
    }
    return 0;
}

static void
raise_unsafe(void)
{
    PyErr_SetNone(W_UNSAFE);
}

static void
refuse(const char *why)
{
    PyErr_SetString(W_REFUSE, why);
}

static int
setting_object(PyObject **slot, PyObject *settings, const char *name)
{
    PyObject *value = PyDict_GetItemString(settings, name); /* borrowed */
    if (value == NULL) {
        PyErr_Format(PyExc_KeyError, "walk_setup needs %s", name);
        return -1;
    }
    Py_INCREF(value);
    Py_XSETREF(*slot, value);
    return 0;
}

static int
setting_size(Py_ssize_t *slot, PyObject *settings, const char *name)
{
    PyObject *value = PyDict_GetItemString(settings, name); /* borrowed */
    if (value == NULL) {
        PyErr_Format(PyExc_KeyError, "walk_setup needs %s", name);
        return -1;
    }
    Py_ssize_t size = PyLong_AsSsize_t(value);
    if (size == -1 && PyErr_Occurred()) {
        return -1;
    }
    *slot = size;
    return 0;
}

static PyObject *
walk_setup(PyObject *module, PyObject *settings)
{
    if (!PyDict_Check(settings)) {
        PyErr_SetString(PyExc_TypeError, "walk_setup(settings: dict)");
        return NULL;
    }
    Py_ssize_t depth, keys, min_bytes, max_bytes, max_values;
    if (setting_object(&W_UNSAFE, settings, "unsafe") < 0 || setting_object(&W_REFUSE, settings, "refuse") < 0 ||
        setting_object(&W_RDF_TYPE, settings, "rdf_type") < 0 ||
        setting_size(&depth, settings, "max_depth") < 0 || setting_size(&keys, settings, "subtree_min_keys") < 0 ||
        setting_size(&min_bytes, settings, "subtree_min_bytes") < 0 ||
        setting_size(&max_bytes, settings, "subtree_max_bytes") < 0 ||
        setting_size(&max_values, settings, "subtree_max_values") < 0) {
        return NULL;
    }
    W_MAX_DEPTH = (long)depth;
    W_SUBTREE_MIN_KEYS = keys;
    W_SUBTREE_MIN_BYTES = min_bytes;
    W_SUBTREE_MAX_BYTES = max_bytes;
    W_SUBTREE_MAX_VALUES = max_values;
    Py_RETURN_NONE;
}

static PyObject *
new_bnode(PyObject *walker)
{
    PyObject *counter = PyObject_GetAttr(walker, A_COUNTER);
    if (counter == NULL) {
        return NULL;
    }
    PyObject *label = NULL, *next = NULL;
    PyObject *number = PyObject_Str(counter);
    if (number != NULL) {
        label = PyUnicode_FromFormat("_:b%U", number);
        Py_DECREF(number);
    }
    if (label != NULL) {
        PyObject *one = PyLong_FromLong(1);
        next = one != NULL ? PyNumber_Add(counter, one) : NULL;
        Py_XDECREF(one);
        if (next == NULL || PyObject_SetAttr(walker, A_COUNTER, next) < 0) {
            Py_CLEAR(label);
        }
        Py_XDECREF(next);
    }
    Py_DECREF(counter);
    return label;
}

/* '"' + value + '"' + suffix */
static PyObject *
literal_text(PyObject *value, PyObject *suffix)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(value), m = PyUnicode_GET_LENGTH(suffix);
    Py_UCS4 widest = PyUnicode_MAX_CHAR_VALUE(value);
    if (PyUnicode_MAX_CHAR_VALUE(suffix) > widest) {
        widest = PyUnicode_MAX_CHAR_VALUE(suffix);
    }
    if (widest < 127) {
        widest = 127;
    }
    PyObject *text = PyUnicode_New(n + m + 2, widest);
    if (text == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    void *data = PyUnicode_DATA(text);
    PyUnicode_WRITE(kind, data, 0, '"');
    if (PyUnicode_CopyCharacters(text, 1, value, 0, n) < 0) {
        Py_DECREF(text);
        return NULL;
    }
    PyUnicode_WRITE(kind, data, n + 1, '"');
    if (PyUnicode_CopyCharacters(text, n + 2, suffix, 0, m) < 0) {
        Py_DECREF(text);
        return NULL;
    }
    return text;
}

/* Append (s, p, o, g) to the list; the new tuple, borrowed from the list, or NULL. */
static PyObject *
append_quad(PyObject *list, PyObject *s, PyObject *p, PyObject *o, PyObject *g)
{
    PyObject *quad = PyTuple_Pack(4, s, p, o, g);
    if (quad == NULL) {
        return NULL;
    }
    int failed = PyList_Append(list, quad);
    Py_DECREF(quad);
    return failed < 0 ? NULL : quad;
}

static int
append_to_attr(PyObject *walker, PyObject *name, PyObject *item)
{
    PyObject *list = PyObject_GetAttr(walker, name);
    if (list == NULL) {
        return -1;
    }
    int failed = PyList_Append(list, item);
    Py_DECREF(list);
    return failed;
}

/* x == y as Python decides it (no identity shortcut); -1 on error. */
static int
equals(PyObject *x, PyObject *y)
{
    PyObject *result = PyObject_RichCompare(x, y, Py_EQ);
    if (result == NULL) {
        return -1;
    }
    int truth = PyObject_IsTrue(result);
    Py_DECREF(result);
    return truth;
}

/* The attribute as a truth value; -1 on error. */
static int
attr_truth(PyObject *object, PyObject *name)
{
    PyObject *value = PyObject_GetAttr(object, name);
    if (value == NULL) {
        return -1;
    }
    int truth = PyObject_IsTrue(value);
    Py_DECREF(value);
    return truth;
}

/* walker.identified_node(element, ctx, depth) when ctx.subtrees remembers the node object: the remembered quads
 * replayed with the walker's next blank node numbers, the entry made the most recently used, the subject returned.
 * NULL without an exception when it is not remembered (or its key cannot be made, or is too short or too long to be
 * remembered): the Python method then decides, exactly as it would have. */
static PyObject *
replayed_subtree(PyObject *walker, PyObject *element, PyObject *ctx, long depth)
{
    Py_ssize_t budget = W_SUBTREE_MAX_VALUES;
    buffer b = {PyMem_Malloc(1024), 0, 1024};
    if (b.data == NULL) {
        return PyErr_NoMemory();
    }
    if (put_json(&b, element, &budget) < 0) {
        PyErr_Clear(); /* identified_node walks it without remembering it */
        PyMem_Free(b.data);
        return NULL;
    }
    if (b.length < W_SUBTREE_MIN_BYTES || b.length > W_SUBTREE_MAX_BYTES) {
        PyMem_Free(b.data);
        return NULL;
    }
    PyObject *bytes = PyBytes_FromStringAndSize(b.data, b.length);
    PyMem_Free(b.data);
    PyObject *at = bytes != NULL ? PyLong_FromLong(depth) : NULL;
    PyObject *key = at != NULL ? PyTuple_Pack(2, at, bytes) : NULL;
    Py_XDECREF(at);
    Py_XDECREF(bytes);
    if (key == NULL) {
        return NULL;
    }
    PyObject *cache = NULL, *hit = NULL, *counter = NULL, *bnodes = NULL, *next = NULL, *instances = NULL,
             *found = NULL, *quads = NULL, *answer = NULL;
    cache = PyObject_GetAttr(ctx, A_SUBTREES);
    if (cache == NULL || !PyDict_CheckExact(cache)) { /* an error, or not a dict (then the Python method reads it) */
        goto done;
    }
    hit = PyDict_GetItemWithError(cache, key);
    if (hit == NULL) {
        goto done;
    }
    Py_INCREF(hit);
    /* most recently used last: no Python code runs between the two (the key is an int and bytes) */
    if (PyDict_DelItem(cache, key) < 0 || PyDict_SetItem(cache, key, hit) < 0) {
        goto done;
    }
    counter = PyObject_GetAttr(walker, A_COUNTER);
    bnodes = counter != NULL ? PyObject_GetAttr(hit, A_BNODES) : NULL;
    next = bnodes != NULL ? PyNumber_Add(counter, bnodes) : NULL;
    if (next == NULL || PyObject_SetAttr(walker, A_COUNTER, next) < 0) {
        goto done;
    }
    instances = PyObject_GetAttr(hit, A_INSTANCES);
    if (instances == NULL) {
        goto done;
    }
    if (PyDict_CheckExact(instances)) {
        found = PyDict_GetItemWithError(instances, counter);
        Py_XINCREF(found);
    }
    if (found == NULL) {
        if (PyErr_Occurred()) {
            goto done;
        }
        found = PyObject_CallMethodOneArg(hit, A_INSTANCE, counter);
        if (found == NULL) {
            goto done;
        }
    }
    if (!PyTuple_CheckExact(found) || PyTuple_GET_SIZE(found) != 4) {
        PyErr_SetString(PyExc_TypeError, "a subtree's instance is (quads, unmergeable, typed strings, subject)");
        goto done;
    }
    static PyObject **const lists[3] = {&A_QUADS, &A_UNMERGEABLE, &A_TYPED_STRINGS};
    for (int k = 0; k < 3; k++) {
        PyObject *items = PyTuple_GET_ITEM(found, k);
        if (k > 0 && PyObject_Not(items)) {
            continue;
        }
        quads = PyObject_GetAttr(walker, *lists[k]);
        if (quads == NULL || !PyList_Check(quads)) {
            if (quads != NULL) {
                PyErr_SetString(PyExc_TypeError, "the walker's quads are lists");
            }
            goto done;
        }
        Py_ssize_t end = PyList_GET_SIZE(quads);
        if (PyList_SetSlice(quads, end, end, items) < 0) {
            goto done;
        }
        Py_CLEAR(quads);
    }
    answer = Py_NewRef(PyTuple_GET_ITEM(found, 3));
done:
    Py_XDECREF(quads);
    Py_XDECREF(found);
    Py_XDECREF(instances);
    Py_XDECREF(next);
    Py_XDECREF(bnodes);
    Py_XDECREF(counter);
    Py_XDECREF(hit);
    Py_XDECREF(cache);
    Py_DECREF(key);
    return answer;
}

#define XSD_NS "http://www.w3.org/2001/XMLSchema#"

/* walker.scalar(prop, value) for true, false and an int within +-(2^53-1): what value_literal writes for them,
 * "true" or "5" typed with the property's type mapping (its suffix: none for xsd:string), or with xsd:boolean or
 * xsd:integer when the mapping is none or a keyword. NULL without an exception for anything else, xsd:double
 * included (the Python method decides), with one on failure. */
static PyObject *
plain_number_literal(PyObject *prop, PyObject *value)
{
    char digits[32];
    const char *text;
    if (value == Py_True || value == Py_False) {
        text = value == Py_True ? "true" : "false";
    }
    else {
        int overflow = 0;
        long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow || (number == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return NULL;
        }
        if (number > 9007199254740991LL || number < -9007199254740991LL) {
            return NULL;
        }
        snprintf(digits, sizeof(digits), "%lld", number);
        text = digits;
    }
    PyObject *vtype = PyObject_GetAttr(prop, A_VTYPE);
    if (vtype == NULL) {
        return NULL;
    }
    PyObject *answer = NULL;
    if (vtype == Py_None || (PyUnicode_CheckExact(vtype) && PyUnicode_GET_LENGTH(vtype) > 0 &&
                             PyUnicode_READ_CHAR(vtype, 0) == '@')) {
        answer = PyUnicode_FromFormat("\"%s\"^^<" XSD_NS "%s>", text,
                                      value == Py_True || value == Py_False ? "boolean" : "integer");
    }
    else if (PyUnicode_CheckExact(vtype) && PyUnicode_CompareWithASCIIString(vtype, XSD_NS "double") != 0) {
        PyObject *suffix = PyObject_GetAttr(prop, A_SUFFIX);
        if (suffix != NULL && PyUnicode_CheckExact(suffix)) {
            answer = PyUnicode_FromFormat("\"%s\"%U", text, suffix);
        }
        Py_XDECREF(suffix);
    }
    Py_DECREF(vtype);
    return answer;
}

static PyObject *walk_node_impl(PyObject *walker, PyObject *element, PyObject *ctx, PyObject *graph, long depth,
                                int top);

/* _Walker.plain; 0 or -1. */
static int
walk_plain(PyObject *walker, PyObject *subject, PyObject *prop, PyObject *value, PyObject *ctx, PyObject *graph,
           long depth)
{
    if (depth > W_MAX_DEPTH) {
        raise_unsafe();
        return -1;
    }
    if (PyList_CheckExact(value)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
            PyObject *item = PyList_GET_ITEM(value, i);
            Py_INCREF(item);
            int failed = walk_plain(walker, subject, prop, item, ctx, graph, depth + 1);
            Py_DECREF(item);
            if (failed < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (value == Py_None) {
        return 0;
    }
    PyObject *obj = NULL;
    if (PyDict_CheckExact(value)) {
        PyObject *aliases = PyObject_GetAttr(ctx, A_ALIASES);
        if (aliases == NULL) {
            return -1;
        }
        if (!PyDict_Check(aliases)) {
            Py_DECREF(aliases);
            PyErr_SetString(PyExc_TypeError, "an active context's aliases are a dict");
            return -1;
        }
        int other = attr_truth(ctx, A_OTHER_ALIASES);
        if (other < 0) {
            Py_DECREF(aliases);
            return -1;
        }
        if (other) {
            PyObject *keys = PyDict_Keys(value);
            if (keys == NULL) {
                Py_DECREF(aliases);
                return -1;
            }
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
                int found = PySequence_Contains(aliases, PyList_GET_ITEM(keys, i));
                if (found != 0) {
                    Py_DECREF(keys);
                    Py_DECREF(aliases);
                    if (found > 0) {
                        refuse("keyword alias in a nested object");
                    }
                    return -1;
                }
            }
            Py_DECREF(keys);
        }
        PyObject *child = PyObject_GetAttr(prop, A_CHILD_CTX);
        if (child == NULL) {
            Py_DECREF(aliases);
            return -1;
        }
        Py_ssize_t size = PyDict_GET_SIZE(value);
        if (size == 1) {
            Py_ssize_t position = 0;
            PyObject *key, *item;
            PyDict_Next(value, &position, &key, &item);
            Py_INCREF(key);
            int is_id = equals(key, W_ID);
            if (is_id == 0) {
                PyObject *alias = PyDict_GetItemWithError(aliases, key); /* borrowed */
                is_id = alias == NULL ? (PyErr_Occurred() ? -1 : 0) : equals(alias, W_ID);
            }
            Py_DECREF(key);
            if (is_id > 0) {
                Py_SETREF(child, PyObject_GetAttr(prop, A_ID_CTX));
            }
            if (is_id < 0 || child == NULL) {
                Py_XDECREF(child);
                Py_DECREF(aliases);
                return -1;
            }
            obj = walk_node_impl(walker, value, child, graph, depth, 0);
        }
        else {
            int identified = 0;
            if (size >= W_SUBTREE_MIN_KEYS && PyUnicode_CheckExact(graph) && PyUnicode_GET_LENGTH(graph) == 0) {
                PyObject *ident = PyDict_GetItemWithError(value, W_ID_KEY);
                if (ident == NULL && PyErr_Occurred()) {
                    Py_DECREF(child);
                    Py_DECREF(aliases);
                    return -1;
                }
                identified = ident != NULL && PyUnicode_CheckExact(ident) &&
                             !(PyUnicode_GET_LENGTH(ident) >= 2 && PyUnicode_READ_CHAR(ident, 0) == '_' &&
                               PyUnicode_READ_CHAR(ident, 1) == ':');
            }
            if (identified) {
                obj = replayed_subtree(walker, value, child, depth);
                if (obj == NULL && !PyErr_Occurred()) {
                    PyObject *at = PyLong_FromLong(depth);
                    obj = at == NULL ? NULL
                                     : PyObject_CallMethodObjArgs(walker, A_IDENTIFIED_NODE, value, child, at, NULL);
                    Py_XDECREF(at);
                }
            }
            else {
                obj = walk_node_impl(walker, value, child, graph, depth, 0);
            }
        }
        Py_DECREF(child);
        Py_DECREF(aliases);
        if (obj == NULL) {
            return -1;
        }
    }
    else {
        if (PyUnicode_CheckExact(value)) {
            PyObject *suffix = PyObject_GetAttr(prop, A_SUFFIX);
            if (suffix == NULL) {
                return -1;
            }
            if (PyUnicode_CheckExact(suffix) && !any_char(value, special_char)) {
                obj = literal_text(value, suffix);
            }
            Py_DECREF(suffix);
            if (obj == NULL && PyErr_Occurred()) {
                return -1;
            }
        }
        else if (value == Py_True || value == Py_False || PyLong_CheckExact(value)) {
            obj = plain_number_literal(prop, value);
            if (obj == NULL && PyErr_Occurred()) {
                return -1;
            }
        }
        if (obj == NULL) {
            obj = PyObject_CallMethodObjArgs(walker, A_SCALAR, prop, value, NULL);
            if (obj == NULL) {
                return -1;
            }
        }
        if (PyUnicode_Check(obj) && PyUnicode_GET_LENGTH(obj) > 0 && PyUnicode_READ_CHAR(obj, 0) == '"') {
            PyObject *pred = PyObject_GetAttr(prop, A_PRED);
            PyObject *quads = pred != NULL ? PyObject_GetAttr(walker, A_QUADS) : NULL;
            PyObject *quad = quads != NULL ? append_quad(quads, subject, pred, obj, graph) : NULL;
            int failed = quad == NULL;
            if (!failed) {
                if (!PyUnicode_CheckExact(value)) {
                    failed = append_to_attr(walker, A_UNMERGEABLE, quad) < 0;
                }
                else {
                    int typed = attr_truth(prop, A_TYPED_STRING);
                    failed = typed < 0 || (typed && append_to_attr(walker, A_TYPED_STRINGS, quad) < 0);
                }
            }
            Py_XDECREF(quads);
            Py_XDECREF(pred);
            Py_DECREF(obj);
            return failed ? -1 : 0;
        }
    }
    PyObject *pred = PyObject_GetAttr(prop, A_PRED);
    PyObject *quads = pred != NULL ? PyObject_GetAttr(walker, A_QUADS) : NULL;
    PyObject *quad = quads != NULL ? append_quad(quads, subject, pred, obj, graph) : NULL;
    Py_XDECREF(quads);
    Py_XDECREF(pred);
    Py_DECREF(obj);
    return quad == NULL ? -1 : 0;
}

/* _ABSOLUTE_IRI of jsonld.py: ^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*\Z */
static int
is_absolute_iri(PyObject *text)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 1;
    Py_UCS4 c = n > 0 ? PyUnicode_READ(kind, data, 0) : 0;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return 0;
    }
    for (; i < n; i++) {
        c = PyUnicode_READ(kind, data, i);
        if (c == ':') {
            break;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' ||
              c == '-')) {
            return 0;
        }
    }
    if (i == n) {
        return 0;
    }
    for (i++; i < n; i++) {
        c = PyUnicode_READ(kind, data, i);
        if (c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '^' ||
            c == '`' || c == '\\') {
            return 0;
        }
    }
    return 1;
}

/* walker.iri_term(ctx.expand_iri(ident, False)) for the common @id, an absolute IRI that no term or prefix of ctx
 * names: "<" + ident + ">". NULL without an exception for every other @id (the Python methods decide), NULL with
 * one on failure. As expand_iri reads it: not keyword-like, not a term, a colon after a prefix that is not "_"
 * (a blank node identifier) and either "//" after it or no term named like the prefix; then, as iri_term reads it,
 * not a blank node identifier and an absolute IRI. */
static PyObject *
absolute_iri_term(PyObject *ctx, PyObject *ident)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(ident);
    if (n == 0 || PyUnicode_READ_CHAR(ident, 0) == '@' || !is_absolute_iri(ident)) {
        return NULL;
    }
    Py_ssize_t colon = PyUnicode_FindChar(ident, ':', 0, n, 1);
    if (colon <= 0) { /* is_absolute_iri saw one after a letter: not reached */
        return NULL;
    }
    PyObject *terms = PyObject_GetAttr(ctx, A_TERMS);
    if (terms == NULL) {
        return NULL;
    }
    PyObject *answer = NULL;
    if (!PyDict_CheckExact(terms)) {
        goto done;
    }
    PyObject *term = PyDict_GetItemWithError(terms, ident); /* borrowed */
    if (term != NULL || PyErr_Occurred()) {
        goto done;
    }
    int slashes = colon + 2 < n && PyUnicode_READ_CHAR(ident, colon + 1) == '/' &&
                  PyUnicode_READ_CHAR(ident, colon + 2) == '/';
    if (!slashes) {
        PyObject *prefix = PyUnicode_Substring(ident, 0, colon);
        if (prefix == NULL) {
            goto done;
        }
        PyObject *mapping = PyDict_GetItemWithError(terms, prefix); /* borrowed */
        Py_DECREF(prefix);
        if (mapping != NULL || PyErr_Occurred()) {
            goto done;
        }
    }
    answer = PyUnicode_FromFormat("<%U>", ident);
done:
    Py_DECREF(terms);
    return answer;
}

/* Up to this many keys of a node object are held in an array on the stack; more in one on the heap. */
#define WALK_KEYS_ON_STACK 32

static PyObject *
walk_node_impl(PyObject *walker, PyObject *element, PyObject *ctx, PyObject *graph, long depth, int top)
{
    if (!PyDict_CheckExact(element)) {
        goto in_python;
    }
    {
        Py_ssize_t position = 0;
        PyObject *key, *value;
        while (PyDict_Next(element, &position, &key, &value)) {
            if (!PyUnicode_CheckExact(key)) {
                goto in_python;
            }
        }
    }
    if (depth >= W_MAX_DEPTH && (depth > W_MAX_DEPTH || PyDict_GET_SIZE(element) > 0)) {
        raise_unsafe();
        return NULL;
    }
    if (Py_EnterRecursiveCall(" in the JSON-LD walk")) {
        return NULL;
    }
    PyObject *result = NULL, *aliases = NULL, *ident = NULL, *types = NULL, *type_tuple = NULL, *typed = NULL,
             *iris = NULL, *subject = NULL, *quads = NULL, *memo = NULL;
    PyObject *stack[2 * WALK_KEYS_ON_STACK];
    PyObject **props = stack; /* key, value, key, value...: references held */
    Py_ssize_t count = 0, size = PyDict_GET_SIZE(element);
    if (size > WALK_KEYS_ON_STACK) {
        props = PyMem_Malloc(sizeof(PyObject *) * 2 * (size_t)size);
        if (props == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    Py_INCREF(ctx);
    aliases = PyObject_GetAttr(ctx, A_ALIASES);
    if (aliases == NULL) {
        goto done;
    }
    if (!PyDict_Check(aliases)) {
        PyErr_SetString(PyExc_TypeError, "an active context's aliases are a dict");
        goto done;
    }
    {
        Py_ssize_t position = 0;
        PyObject *key, *value;
        while (PyDict_Next(element, &position, &key, &value)) {
            if (count >= size) { /* the dict grew: only another thread can have done it */
                PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
                goto done;
            }
            PyObject *kw = PyDict_GetItemWithError(aliases, key); /* borrowed; no Python code runs here */
            if (kw == NULL) {
                if (PyErr_Occurred()) {
                    goto done;
                }
                if (PyUnicode_GET_LENGTH(key) > 0 && PyUnicode_READ_CHAR(key, 0) == '@') {
                    if (PyUnicode_CompareWithASCIIString(key, "@id") == 0 ||
                        PyUnicode_CompareWithASCIIString(key, "@type") == 0) {
                        kw = key;
                    }
                    else if (top && PyUnicode_CompareWithASCIIString(key, "@context") == 0) {
                        continue;
                    }
                    else {
                        PyErr_Format(W_REFUSE, "%U in a document", key);
                        goto done;
                    }
                }
                else {
                    Py_INCREF(key);
                    Py_INCREF(value);
                    props[2 * count] = key;
                    props[2 * count + 1] = value;
                    count++;
                    continue;
                }
            }
            if (PyUnicode_Check(kw) && PyUnicode_CompareWithASCIIString(kw, "@id") == 0) {
                if (ident != NULL || !PyUnicode_CheckExact(value)) {
                    refuse("several or non-string @id");
                    goto done;
                }
                Py_INCREF(value);
                ident = value;
            }
            else if (PyUnicode_Check(kw) && PyUnicode_CompareWithASCIIString(kw, "@type") == 0) {
                if (types != NULL) {
                    refuse("several @type keys");
                    goto done;
                }
                if (value != Py_None) { /* "@type": null is no @type, as in Python's "types is not None" */
                    Py_INCREF(value);
                    types = value;
                }
            }
            else {
                PyObject *text = PyObject_Str(kw);
                if (text != NULL) {
                    PyErr_Format(W_REFUSE, "alias of %U", text);
                    Py_DECREF(text);
                }
                goto done;
            }
        }
    }
    if (types != NULL) {
        if (PyUnicode_CheckExact(types)) {
            type_tuple = PyTuple_Pack(1, types);
        }
        else if (PyList_CheckExact(types)) {
            type_tuple = PyList_AsTuple(types);
            if (type_tuple != NULL) {
                for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type_tuple); i++) {
                    if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(type_tuple, i))) {
                        refuse("non-string type");
                        goto done;
                    }
                }
                if (PyTuple_GET_SIZE(type_tuple) > 0 && depth + 2 > W_MAX_DEPTH) {
                    raise_unsafe();
                    goto done;
                }
            }
        }
        else {
            refuse("invalid @type");
            goto done;
        }
        if (type_tuple == NULL) {
            goto done;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type_tuple); i++) {
            if (any_char(PyTuple_GET_ITEM(type_tuple, i), bad_char)) {
                raise_unsafe();
                goto done;
            }
        }
        /* ctx.with_types(type_tuple), its memo read here: what the method returns first */
        PyObject *memo_types = PyObject_GetAttr(ctx, A_TYPES);
        if (memo_types == NULL) {
            goto done;
        }
        if (PyDict_CheckExact(memo_types)) {
            typed = PyDict_GetItemWithError(memo_types, type_tuple);
            Py_XINCREF(typed);
        }
        Py_DECREF(memo_types);
        if (typed == NULL) {
            if (PyErr_Occurred()) {
                goto done;
            }
            typed = PyObject_CallMethodOneArg(ctx, A_WITH_TYPES, type_tuple);
            if (typed == NULL) {
                goto done;
            }
        }
        if (!PyTuple_CheckExact(typed) || PyTuple_GET_SIZE(typed) != 2) {
            PyErr_SetString(PyExc_TypeError, "with_types returns (context, type IRIs)");
            goto done;
        }
        Py_SETREF(ctx, Py_NewRef(PyTuple_GET_ITEM(typed, 0)));
        iris = PySequence_Fast(PyTuple_GET_ITEM(typed, 1), "type IRIs are a sequence");
        if (iris == NULL) {
            goto done;
        }
    }
    if (ident == NULL) {
        subject = new_bnode(walker);
    }
    else {
        if (any_char(ident, bad_char)) {
            raise_unsafe();
            goto done;
        }
        subject = absolute_iri_term(ctx, ident);
        if (subject == NULL && !PyErr_Occurred()) {
            PyObject *expanded = PyObject_CallMethodObjArgs(ctx, A_EXPAND_IRI, ident, Py_False, NULL);
            if (expanded != NULL) {
                subject = PyObject_CallMethodOneArg(walker, A_IRI_TERM, expanded);
                Py_DECREF(expanded);
            }
        }
    }
    if (subject == NULL) {
        goto done;
    }
    quads = PyObject_GetAttr(walker, A_QUADS);
    if (quads == NULL) {
        goto done;
    }
    if (iris != NULL) {
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(iris); i++) {
            if (append_quad(quads, subject, W_RDF_TYPE, PySequence_Fast_GET_ITEM(iris, i), graph) == NULL) {
                goto done;
            }
        }
    }
    memo = PyObject_GetAttr(ctx, A_PROPS);
    if (memo == NULL) {
        goto done;
    }
    if (!PyDict_Check(memo)) {
        PyErr_SetString(PyExc_TypeError, "an active context's props are a dict");
        goto done;
    }
    depth += 1;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *key = props[2 * i], *value = props[2 * i + 1];
        PyObject *prop = PyDict_GetItemWithError(memo, key);
        if (prop != NULL) {
            Py_INCREF(prop);
        }
        else {
            if (PyErr_Occurred()) {
                goto done;
            }
            PyObject *terms = PyObject_GetAttr(ctx, A_TERMS);
            if (terms == NULL) {
                goto done;
            }
            int known = PySequence_Contains(terms, key);
            Py_DECREF(terms);
            if (known < 0) {
                goto done;
            }
            if (!known && any_char(key, bad_char)) {
                raise_unsafe();
                goto done;
            }
            prop = PyObject_CallMethodOneArg(ctx, A_PROP, key);
            if (prop == NULL) {
                goto done;
            }
        }
        int failed = 0;
        /* prop.walk_view: (kind == PLAIN, pred, suffix, typed_string), read in one attribute look-up */
        PyObject *view = PyObject_GetAttr(prop, A_WALK_VIEW);
        int plain = -1;
        if (view != NULL) {
            if (PyTuple_CheckExact(view) && PyTuple_GET_SIZE(view) == 4) {
                plain = PyTuple_GET_ITEM(view, 0) == Py_True;
            }
            else {
                PyErr_SetString(PyExc_TypeError, "a property's walk_view is (plain, pred, suffix, typed_string)");
            }
        }
        if (plain < 0) {
            failed = 1;
        }
        else if (plain) {
            PyObject *pred = PyTuple_GET_ITEM(view, 1), *suffix = PyTuple_GET_ITEM(view, 2);
            if (PyUnicode_CheckExact(value) && PyUnicode_CheckExact(suffix) && !any_char(value, special_char)) {
                PyObject *text = literal_text(value, suffix);
                PyObject *quad = text != NULL ? append_quad(quads, subject, pred, text, graph) : NULL;
                Py_XDECREF(text);
                failed = quad == NULL || (PyTuple_GET_ITEM(view, 3) == Py_True &&
                                          append_to_attr(walker, A_TYPED_STRINGS, quad) < 0);
            }
            else {
                failed = walk_plain(walker, subject, prop, value, ctx, graph, depth) < 0;
            }
        }
        else {
            PyObject *at = PyLong_FromLong(depth);
            PyObject *done_ = at == NULL ? NULL
                                         : PyObject_CallMethodObjArgs(walker, A_VALUES, subject, prop, value, ctx,
                                                                      graph, at, NULL);
            Py_XDECREF(at);
            failed = done_ == NULL;
            Py_XDECREF(done_);
        }
        Py_XDECREF(view);
        Py_DECREF(prop);
        if (failed) {
            goto done;
        }
    }
    result = subject;
    subject = NULL;
done:
    for (Py_ssize_t i = 0; i < 2 * count; i++) {
        Py_DECREF(props[i]);
    }
    if (props != stack) {
        PyMem_Free(props);
    }
    Py_XDECREF(memo);
    Py_XDECREF(quads);
    Py_XDECREF(subject);
    Py_XDECREF(iris);
    Py_XDECREF(typed);
    Py_XDECREF(type_tuple);
    Py_XDECREF(types);
    Py_XDECREF(ident);
    Py_XDECREF(aliases);
    Py_DECREF(ctx);
    Py_LeaveRecursiveCall();
    return result;

in_python: {
    PyObject *at = PyLong_FromLong(depth);
    if (at == NULL) {
        return NULL;
    }
    PyObject *answer = PyObject_CallMethodObjArgs(walker, A_PY_NODE, element, ctx, graph, at, top ? Py_True : Py_False,
                                                  NULL);
    Py_DECREF(at);
    return answer;
}
}

static PyObject *
walk_node(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6 || !PyUnicode_CheckExact(args[3]) || !PyLong_CheckExact(args[4])) {
        PyErr_SetString(PyExc_TypeError, "walk_node(walker, element, ctx, graph: str, depth: int, top: bool)");
        return NULL;
    }
    if (W_MAX_DEPTH < 0) {
        PyErr_SetString(PyExc_RuntimeError, "walk_setup has not been called");
        return NULL;
    }
    int overflow = 0;
    long depth = PyLong_AsLongAndOverflow(args[4], &overflow);
    if (overflow || (depth == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        PyErr_SetString(PyExc_OverflowError, "depth out of range");
        return NULL;
    }
    int top = PyObject_IsTrue(args[5]);
    if (top < 0) {
        return NULL;
    }
    return walk_node_impl(args[0], args[1], args[2], args[3], depth, top);
}

/* The strings the walk compares with and the attribute names it reads, interned once. */
static int
walk_init(void)
{
    struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&W_ID, "@id"},
        {&W_ID_KEY, "id"},
        {&A_ALIASES, "aliases"},
        {&A_OTHER_ALIASES, "other_aliases"},
        {&A_PROPS, "props"},
        {&A_TERMS, "terms"},
        {&A_TYPES, "types"},
        {&A_PROP, "prop"},
        {&A_WITH_TYPES, "with_types"},
        {&A_EXPAND_IRI, "expand_iri"},
        {&A_IRI_TERM, "iri_term"},
        {&A_PRED, "pred"},
        {&A_SUFFIX, "suffix"},
        {&A_VTYPE, "vtype"},
        {&A_TYPED_STRING, "typed_string"},
        {&A_CHILD_CTX, "child_ctx"},
        {&A_ID_CTX, "id_ctx"},
        {&A_QUADS, "quads"},
        {&A_TYPED_STRINGS, "typed_strings"},
        {&A_UNMERGEABLE, "unmergeable"},
        {&A_COUNTER, "counter"},
        {&A_VALUES, "values"},
        {&A_SCALAR, "scalar"},
        {&A_IDENTIFIED_NODE, "identified_node"},
        {&A_PY_NODE, "_node"},
        {&A_WALK_VIEW, "walk_view"},
        {&A_SUBTREES, "subtrees"},
        {&A_BNODES, "bnodes"},
        {&A_INSTANCES, "instances"},
        {&A_INSTANCE, "instance"},
        {&A_DIGEST, "digest"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        *names[i].slot = PyUnicode_InternFromString(names[i].text);
        if (*names[i].slot == NULL) {
            return -1;
        }
    }
    return 0;
}

static PyMethodDef methods[] = {
    {"blank_node_quads", (PyCFunction)blank_node_quads, METH_O,
     "The blank node to quads map (RDFC-1.0 §4.4.3 step 2), blank nodes in order of first appearance."},
    {"canonical_nquads_utf8", (PyCFunction)(void (*)(void))canonical_nquads_utf8, METH_FASTCALL,
     "The canonical N-Quads of quads in UTF-8, blank nodes written '_:' + issued[node]: distinct lines, sorted."},
    {"leaf_canonical_labels", (PyCFunction)(void (*)(void))leaf_canonical_labels, METH_FASTCALL,
     "RDFC-1.0's canonical labels {blank node: 'c14nN'} when no N-degree hashing looks past a blank node, else None."},
    {"quad_counts", (PyCFunction)quad_counts, METH_O,
     "Counter(quads) for a list of quads: each distinct quad in order of first appearance, with its count."},
    {"json_key", (PyCFunction)(void (*)(void))json_key, METH_FASTCALL,
     "An exact key of a JSON value (equal keys: equal values of equal types, dict order and float bits alike); "
     "ValueError beyond max_values values."},
    {"json_copy", (PyCFunction)json_copy, METH_O,
     "A deep copy of JSON data (new dicts and lists, the same immutable scalars); ValueError at an integer beyond "
     "+-(2^53-1), TypeError at anything but exact dict, list, str, int, float, bool and None."},
    {"base58_encode", (PyCFunction)base58_encode, METH_O,
     "base58btc (Bitcoin alphabet) of bytes; leading zero bytes become leading '1's."},
    {"base58_decode", (PyCFunction)base58_decode, METH_O,
     "The bytes of base58btc text, or None for a character outside the alphabet or more than 4096 characters."},
    {"walk_setup", (PyCFunction)walk_setup, METH_O,
     "What the JSON-LD walk needs from microcred.vc.expansion: its exceptions, constants and Python methods."},
    {"walk_node", (PyCFunction)(void (*)(void))walk_node, METH_FASTCALL,
     "_Walker.node of microcred.vc.expansion: the subject of a node object, its quads appended to walker.quads."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_canonical",
    .m_doc = "The signing core's hottest loops, compiled: RDFC-1.0's per-quad loops, the JSON key and copy, base58btc.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__canonical(void)
{
    memset(B58_INDEX, -1, sizeof(B58_INDEX));
    for (int i = 0; i < 58; i++) {
        B58_INDEX[(unsigned char)B58_ALPHABET[i]] = (signed char)i;
    }
    if (walk_init() < 0) {
        return NULL;
    }
    return PyModule_Create(&module);
}
