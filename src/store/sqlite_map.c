/*
 * A SQLite VFS that maps the whole database file: "mz-map", registered as the default VFS by
 * mz_sqlite_map_register before the first connection opens.
 *
 * Debian's SQLite is built with SQLITE_MAX_MMAP_SIZE 0x7fff0000: its unix VFS maps at most the
 * first 2 GB of a database and reads every page past them with pread into the connection's
 * page cache.  At 5 million persons the database is 3.6 GB, the households, their members and
 * both their indexes lie past 2 GB, and a person profile spent 13 % of the server's CPU in pread
 * (perf, BENCHMARKS.md).  The cap lives in the unix VFS alone: the pager takes any mmap_size and
 * asks the VFS for a page with xFetch whenever it is above zero, reading the page with xRead
 * when xFetch gives none.  So this shim forwards every call to the unix VFS except xFetch and
 * xUnfetch, which it answers from a map of its own, and SQLITE_FCNTL_MMAP_SIZE, which it keeps
 * without the cap.  It hands out pages on the unix VFS's rules: only below min(file size,
 * mmap_size) as of when the connection took its map; the pager's unfetch of no page (its signal
 * that another connection changed the database), a new mmap_size, or a size hint before the
 * file grows make the connection take a map again on its next fetch; a truncation by the
 * connection shortens what it hands out.
 *
 * The map needs a descriptor of the file, and the unix VFS does not lend its own.  Closing any
 * descriptor of a file drops every POSIX lock the process holds on it, SQLite's included, so the
 * shim opens one descriptor per file (device and inode) for the whole process, shares it between
 * the connections, and closes it only when the last of them has closed: by then none of them
 * holds a lock.  Every connection of the process opens its database through this VFS (it is the
 * default), so no other holder of locks can exist.  When the descriptor cannot be opened the
 * connection works as it would without the shim, through pread.
 */
#include "store/private.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A map of the file, shared by the connections of this process.  The newest is the file's
 * current one and stays mapped while the file is open, so its pages stay in the process's page
 * tables from one read transaction to the next.  With a map per connection, made again each
 * time another connection had changed the database (the unix VFS's way), every connection took
 * a page fault for every page it touched first after that; a server's eight connections over a
 * file of several GB touch a great many.  The map is longer than the file (mapping past the end
 * is allowed; touching a page there is not, and no page past the file's size when a connection
 * took the map is handed out), so that the file can grow a quarter before a longer map must be
 * made.  An older map lives until the last connection using it lets it go.
 */
struct shared_map {
    void *p;
    size_t len;
    int refs; /* connections using it */
};

/* The descriptor and the current map shared by the connections of this process to one file. */
struct shared_file {
    dev_t dev;
    ino_t ino;
    int fd;   /* -1: none could be opened (no map) */
    int refs; /* connections of this process to the file */
    struct shared_map *cur;
    struct shared_file *next;
};

/* guards every shared_file and shared_map */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_file *shared_files;

struct map_file {
    sqlite3_file base;      /* pMethods: &map_io, or NULL when the real open failed */
    sqlite3_file *real;     /* the unix VFS's file, right after this struct */
    struct shared_file *sf; /* NULL: not a main database (no map) */
    sqlite3_int64 limit;    /* the pager's mmap_size */
    struct shared_map *map; /* NULL: none taken */
    sqlite3_int64 map_size; /* bytes of it that may be handed out */
    int fetched;            /* pages handed out and not yet unfetched */
};

static sqlite3_vfs *real_vfs;

/*
 * The shared file at path, counting one more connection to it.  A connection is counted even
 * when no descriptor could be opened (fd -1, tried again by the next one): the count decides
 * when closing the descriptor can drop nobody's locks.  NULL only when the file cannot be found
 * (it was unlinked after the real open: no path leads to it any more) or memory ran out.
 */
static struct shared_file *shared_open(const char *path)
{
    struct stat st;
    struct shared_file *s;

    if (stat(path, &st) != 0)
        return NULL;
    pthread_mutex_lock(&shared_lock);
    for (s = shared_files; s; s = s->next)
        if (s->dev == st.st_dev && s->ino == st.st_ino)
            break;
    if (s) {
        s->refs++;
    } else if ((s = calloc(1, sizeof *s)) != NULL) {
        s->dev = st.st_dev;
        s->ino = st.st_ino;
        s->fd = -1;
        s->refs = 1;
        s->next = shared_files;
        shared_files = s;
    }
    if (s && s->fd < 0) {
        /* Opening takes no lock away.  A descriptor of another file (the path replaced since
         * the stat) is not used, and not closed either: another connection of this process
         * may hold locks on that file, and the close would drop them.  It is left open (one
         * descriptor, in a race no deployment should see). */
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
            s->fd = fd;
    }
    pthread_mutex_unlock(&shared_lock);
    return s;
}

/* After the connection's real close (its locks are gone) and after it let its map go. */
static void shared_close(struct shared_file *s)
{
    struct shared_file **p;

    pthread_mutex_lock(&shared_lock);
    if (--s->refs == 0) {
        for (p = &shared_files; *p != s; p = &(*p)->next)
            ;
        *p = s->next;
        if (s->cur) {
            munmap(s->cur->p, s->cur->len);
            free(s->cur);
        }
        if (s->fd >= 0)
            close(s->fd);
        free(s);
    }
    pthread_mutex_unlock(&shared_lock);
}

static void map_release(struct shared_file *s, struct shared_map *m)
{
    if (m->refs == 0 && m != s->cur) {
        munmap(m->p, m->len);
        free(m);
    }
}

static void unmap(struct map_file *f)
{
    if (f->map) {
        pthread_mutex_lock(&shared_lock);
        f->map->refs--;
        map_release(f->sf, f->map);
        pthread_mutex_unlock(&shared_lock);
    }
    f->map = NULL;
    f->map_size = 0;
}

/*
 * Takes a map of min(file size, limit) bytes: the current one if it is long enough, else a
 * new one that becomes current.  When mmap fails it leaves no map and stops mapping, as unix
 * does.
 */
static int map(struct map_file *f)
{
    struct shared_file *s = f->sf;
    struct shared_map *m;
    sqlite3_int64 size;
    int rc = f->real->pMethods->xFileSize(f->real, &size);
    if (rc != SQLITE_OK)
        return rc;
    if (size > f->limit)
        size = f->limit;
    if (size <= 0)
        return SQLITE_OK;
    pthread_mutex_lock(&shared_lock);
    m = s->cur;
    if (m == NULL || m->len < (size_t)size) {
        size_t len = (size_t)size + (size_t)size / 4 + ((size_t)64 << 20);
        void *p = s->fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ, MAP_SHARED, s->fd, 0);
        if (p == MAP_FAILED || (m = malloc(sizeof *m)) == NULL) {
            if (p != MAP_FAILED)
                munmap(p, len);
            pthread_mutex_unlock(&shared_lock);
            f->limit = 0;
            return SQLITE_OK;
        }
        m->p = p;
        m->len = len;
        m->refs = 0;
        struct shared_map *old = s->cur;
        s->cur = m;
        if (old)
            map_release(s, old);
    }
    m->refs++;
    pthread_mutex_unlock(&shared_lock);
    f->map = m;
    f->map_size = size;
    return SQLITE_OK;
}

static int x_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **pp)
{
    struct map_file *f = (struct map_file *)file;
    *pp = NULL;
    if (f->sf == NULL)
        return f->real->pMethods->xFetch(f->real, off, amt, pp);
    if (f->limit <= 0)
        return SQLITE_OK;
    if (f->map == NULL) {
        int rc = map(f);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (f->map && off + amt <= f->map_size) {
        *pp = (char *)f->map->p + off;
        f->fetched++;
    }
    return SQLITE_OK;
}

static int x_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
    struct map_file *f = (struct map_file *)file;
    if (f->sf == NULL)
        return f->real->pMethods->xUnfetch(f->real, off, p);
    if (p)
        f->fetched--;
    else
        unmap(f);
    return SQLITE_OK;
}

static int x_file_control(sqlite3_file *file, int op, void *arg)
{
    struct map_file *f = (struct map_file *)file;
    if (f->sf && op == SQLITE_FCNTL_MMAP_SIZE) {
        sqlite3_int64 limit = *(sqlite3_int64 *)arg;
        *(sqlite3_int64 *)arg = f->limit;
        if (limit >= 0 && limit != f->limit && f->fetched == 0) {
            f->limit = limit;
            unmap(f); /* made again, to the new limit, on the next fetch */
        }
        return SQLITE_OK;
    }
    if (f->sf && op == SQLITE_FCNTL_SIZE_HINT) {
        /* the checkpoint is about to grow the file: map it again, as unix does, on the next
         * fetch (pages past the old map would otherwise be read with pread until another
         * connection changes the database) */
        int rc = f->real->pMethods->xFileControl(f->real, op, arg);
        if (f->map && f->fetched == 0 && *(sqlite3_int64 *)arg > f->map_size)
            unmap(f);
        return rc;
    }
    if (op == SQLITE_FCNTL_VFSNAME) {
        int rc = f->real->pMethods->xFileControl(f->real, op, arg);
        if (rc == SQLITE_OK && *(char **)arg) {
            char *name = sqlite3_mprintf("mz-map/%z", *(char **)arg);
            *(char **)arg = name;
        }
        return rc;
    }
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int x_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    struct map_file *f = (struct map_file *)file;
    int rc = f->real->pMethods->xTruncate(f->real, size);
    if (rc == SQLITE_OK && size < f->map_size)
        f->map_size = size;
    return rc;
}

static int x_close(sqlite3_file *file)
{
    struct map_file *f = (struct map_file *)file;
    int rc = f->real->pMethods->xClose(f->real);
    unmap(f);
    if (f->sf)
        shared_close(f->sf); /* after the real close: its locks are gone */
    f->sf = NULL;
    return rc;
}

/* The rest only forward. */
#define REAL(file) (((struct map_file *)(file))->real)

static int x_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
    return REAL(file)->pMethods->xRead(REAL(file), buf, amt, off);
}

static int x_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
    return REAL(file)->pMethods->xWrite(REAL(file), buf, amt, off);
}

static int x_sync(sqlite3_file *file, int flags)
{
    return REAL(file)->pMethods->xSync(REAL(file), flags);
}

static int x_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int x_lock(sqlite3_file *file, int lock)
{
    return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int x_unlock(sqlite3_file *file, int lock)
{
    return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int x_check_reserved_lock(sqlite3_file *file, int *out)
{
    return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int x_sector_size(sqlite3_file *file)
{
    return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int x_device_characteristics(sqlite3_file *file)
{
    return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int x_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **pp)
{
    return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, pp);
}

static int x_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
    return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags);
}

static void x_shm_barrier(sqlite3_file *file)
{
    REAL(file)->pMethods->xShmBarrier(REAL(file));
}

static int x_shm_unmap(sqlite3_file *file, int delete_flag)
{
    return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag);
}

static const sqlite3_io_methods map_io = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
    struct map_file *f = (struct map_file *)file;
    int rc;

    (void)vfs;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    if (f->real->pMethods == NULL)
        return rc; /* f->base.pMethods stays NULL: SQLite will not close it */
    f->base.pMethods = &map_io;
    /* Only a main database is mapped, and only one on a file the unix VFS can map: one whose
     * io methods fetch (not, say, a read-only immutable URI's), version 3 and up. */
    if (rc == SQLITE_OK && name && (flags & SQLITE_OPEN_MAIN_DB) &&
        f->real->pMethods->iVersion >= 3)
        f->sf = shared_open(name);
    return rc;
}

#define RVFS real_vfs

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return RVFS->xDelete(RVFS, name, sync_dir);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return RVFS->xAccess(RVFS, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return RVFS->xFullPathname(RVFS, name, n, out);
}

static void *v_dl_open(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return RVFS->xDlOpen(RVFS, name);
}

static void v_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    RVFS->xDlError(RVFS, n, msg);
}

static void (*v_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return RVFS->xDlSym(RVFS, h, sym);
}

static void v_dl_close(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    RVFS->xDlClose(RVFS, h);
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return RVFS->xRandomness(RVFS, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return RVFS->xSleep(RVFS, us);
}

static int v_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return RVFS->xCurrentTime(RVFS, out);
}

static int v_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return RVFS->xGetLastError(RVFS, n, out);
}

static int v_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return RVFS->xCurrentTimeInt64(RVFS, out);
}

static sqlite3_vfs map_vfs = {
    .iVersion = 2,
    .zName = "mz-map",
    .xOpen = v_open,
    .xDelete = v_delete,
    .xAccess = v_access,
    .xFullPathname = v_full_pathname,
    .xDlOpen = v_dl_open,
    .xDlError = v_dl_error,
    .xDlSym = v_dl_sym,
    .xDlClose = v_dl_close,
    .xRandomness = v_randomness,
    .xSleep = v_sleep,
    .xCurrentTime = v_current_time,
    .xGetLastError = v_get_last_error,
    .xCurrentTimeInt64 = v_current_time_int64,
};

int mz_sqlite_map_register(void)
{
    real_vfs = sqlite3_vfs_find("unix");
    if (real_vfs == NULL || real_vfs->iVersion < 2)
        return -1;
    map_vfs.szOsFile = (int)sizeof(struct map_file) + real_vfs->szOsFile;
    map_vfs.mxPathname = real_vfs->mxPathname;
    return sqlite3_vfs_register(&map_vfs, 1) == SQLITE_OK ? 0 : -1;
}
