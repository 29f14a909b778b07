/* The signing core's hottest loops, compiled. microcred.vc uses them where this module is built and its own Python
 * otherwise (tools/build_speedups.py builds it; make install runs that), with the same results.
 *
 * RDFC-1.0's two loops that run once per quad (microcred.vc.rdfc10). Both take the quads as rdfc10 has them: a list
 * of 4-tuples of str (subject, predicate, object, graph), every term already in canonical N-Quads form, so that only
 * a blank node starts with "_" and the default graph is "".
 *
 *   blank_node_quads(quads) -> dict: the blank node to quads map (RDFC-1.0 §4.4.3 step 2), blank nodes in order of
 *       first appearance, each quad listed once per blank node it mentions.
 *   relabelled_nquads(quads, labels) -> str: the canonical N-Quads document (§4.4.3 steps 6-7): every blank node
 *       replaced by labels[node] ("_:c14nN"), one line per distinct quad, lines sorted by code point, joined.
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
 * microcred/vc/tests/test_vc_canonical_speedups.py compares each with the Python it replaces.
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

/* labels[term] for a blank node (a new reference), the term itself otherwise; NULL with KeyError if unlabelled. */
static PyObject *
relabel(PyObject *labels, PyObject *term)
{
    if (!is_blank(term)) {
        Py_INCREF(term);
        return term;
    }
    PyObject *label = PyDict_GetItemWithError(labels, term); /* borrowed */
    if (label == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetObject(PyExc_KeyError, term);
        }
        return NULL;
    }
    if (!PyUnicode_CheckExact(label)) {
        PyErr_SetString(PyExc_TypeError, "a blank node's label must be a str");
        return NULL;
    }
    Py_INCREF(label);
    return label;
}

/* "s p o g .\n", or "s p o .\n" when g is "" (a new reference). */
static PyObject *
nquads_line(PyObject *s, PyObject *p, PyObject *o, PyObject *g)
{
    static const char tail[] = " .\n";
    PyObject *parts[4] = {s, p, o, g};
    Py_ssize_t count = PyUnicode_GET_LENGTH(g) > 0 ? 4 : 3;
    Py_ssize_t length = (count - 1) + (Py_ssize_t)(sizeof(tail) - 1);
    Py_UCS4 widest = 127;
    for (Py_ssize_t k = 0; k < count; k++) {
        length += PyUnicode_GET_LENGTH(parts[k]);
        Py_UCS4 w = PyUnicode_MAX_CHAR_VALUE(parts[k]);
        if (w > widest) {
            widest = w;
        }
    }
    PyObject *line = PyUnicode_New(length, widest);
    if (line == NULL) {
        return NULL;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        if (k > 0) {
            PyUnicode_WRITE(PyUnicode_KIND(line), PyUnicode_DATA(line), at, ' ');
            at++;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(parts[k]);
        if (PyUnicode_CopyCharacters(line, at, parts[k], 0, n) < 0) {
            Py_DECREF(line);
            return NULL;
        }
        at += n;
    }
    for (Py_ssize_t k = 0; k < (Py_ssize_t)(sizeof(tail) - 1); k++) {
        PyUnicode_WRITE(PyUnicode_KIND(line), PyUnicode_DATA(line), at + k, (Py_UCS4)tail[k]);
    }
    return line;
}

/* The sorted lines joined, each line once (equal lines are next to each other once sorted). */
static PyObject *
join_distinct(PyObject *sorted)
{
    Py_ssize_t n = PyList_GET_SIZE(sorted), length = 0;
    Py_UCS4 widest = 127;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(sorted, i);
        if (i > 0 && PyUnicode_Compare(line, PyList_GET_ITEM(sorted, i - 1)) == 0) {
            continue;
        }
        length += PyUnicode_GET_LENGTH(line);
        if (PyUnicode_MAX_CHAR_VALUE(line) > widest) {
            widest = PyUnicode_MAX_CHAR_VALUE(line);
        }
    }
    PyObject *text = PyUnicode_New(length, widest);
    if (text == NULL) {
        return NULL;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(sorted, i);
        if (i > 0 && PyUnicode_Compare(line, PyList_GET_ITEM(sorted, i - 1)) == 0) {
            continue;
        }
        if (PyUnicode_CopyCharacters(text, at, line, 0, PyUnicode_GET_LENGTH(line)) < 0) {
            Py_DECREF(text);
            return NULL;
        }
        at += PyUnicode_GET_LENGTH(line);
    }
    return text;
}

static PyObject *
relabelled_nquads(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0]) || !PyDict_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "relabelled_nquads(quads: list, labels: dict)");
        return NULL;
    }
    PyObject *quads = args[0], *labels = args[1];
    Py_ssize_t n = PyList_GET_SIZE(quads);
    PyObject *lines = PyList_New(n);
    if (lines == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t[4];
        if (quad_terms(PyList_GET_ITEM(quads, i), t) < 0) {
            goto error;
        }
        PyObject *line = NULL;
        PyObject *s = relabel(labels, t[0]);
        PyObject *o = s != NULL ? relabel(labels, t[2]) : NULL;
        PyObject *g = o != NULL ? relabel(labels, t[3]) : NULL;
        if (g != NULL) {
            line = nquads_line(s, t[1], o, g);
        }
        Py_XDECREF(s);
        Py_XDECREF(o);
        Py_XDECREF(g);
        if (line == NULL) {
            goto error;
        }
        PyList_SET_ITEM(lines, i, line); /* the list's slots are NULL until set: an early exit frees what is set */
    }
    if (PyList_Sort(lines) < 0) {
        goto error;
    }
    PyObject *text = join_distinct(lines);
    Py_DECREF(lines);
    return text;
error:
    Py_DECREF(lines);
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

static PyMethodDef methods[] = {
    {"blank_node_quads", (PyCFunction)blank_node_quads, METH_O,
     "The blank node to quads map (RDFC-1.0 §4.4.3 step 2), blank nodes in order of first appearance."},
    {"relabelled_nquads", (PyCFunction)(void (*)(void))relabelled_nquads, METH_FASTCALL,
     "The canonical N-Quads of quads with blank nodes relabelled: distinct lines sorted by code point, joined."},
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
    return PyModule_Create(&module);
}
