package io.innominatus.steps.kubernetes;

import io.innominatus.steps.spi.StepFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * One branch of a Git repository that GitOps targets commit to, through JGit (no git binary). A local
 * repository that does not exist yet is created with a work tree and committed to in place; a remote one
 * (a URL, or a local bare repository) is cloned into a private checkout under the data directory, and
 * every commit is pushed, rebuilt on the newest remote state when another writer came first.
 * Calls are serialized per work tree, so that two environments committing to two branches of one local
 * repository take turns (each call first switches the work tree to its branch).
 */
final class GitRepository {

    /** How many times a commit is rebuilt on a remote that moved before the push gives up. */
    private static final int PUSH_ATTEMPTS = 4;
    private static final PersonIdent AUTHOR = new PersonIdent("innominatus", "innominatus@localhost");
    private final String location;
    private final String branch;
    private final boolean remote;
    private final Path workTree;
    private static final Map<Path, Object> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();
    private final Object lock;
    private Git git;

    /**
     * @param location a URL or an absolute local path
     * @param checkouts where private checkouts of remote repositories live
     */
    GitRepository(String location, String branch, boolean remoteUrl, Path checkouts) {
        this.location = location;
        this.branch = branch;
        Path local = remoteUrl ? null : Path.of(location);
        this.remote = remoteUrl || isBare(local);
        this.workTree = (remote ? checkouts.resolve(checkoutName(location, branch)) : local).toAbsolutePath().normalize();
        this.lock = LOCKS.computeIfAbsent(workTree.toAbsolutePath().normalize(), k -> new Object());
    }

    /** The current content of files, read from the branch's newest state. */
    Map<String, Optional<String>> read(List<String> files, CredentialsProvider credentials, boolean refresh) {
        synchronized (lock) {
            open(credentials, refresh);
            Map<String, Optional<String>> contents = new LinkedHashMap<>();
            for (String file : files) {
                contents.put(file, readFile(file));
            }
            return contents;
        }
    }

    /** The files under a directory of the work tree, relative to the repository root, sorted. */
    List<String> files(String directory, CredentialsProvider credentials, boolean refresh) {
        synchronized (lock) {
            return filesUnder(directory, credentials, refresh);
        }
    }

    private List<String> filesUnder(String directory, CredentialsProvider credentials, boolean refresh) {
        open(credentials, refresh);
        Path root = workTree.resolve(directory);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> workTree.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new StepFailure("cannot list " + directory + " in Git repository " + location + ": " + e.getMessage());
        }
    }

    /**
     * Writes and deletes files ({@code Optional.empty()} deletes) and commits them, pushing to a remote.
     *
     * @return the commit, or empty when no file changed
     */
    Optional<String> commit(Map<String, Optional<String>> changes, String message, CredentialsProvider credentials) {
        synchronized (lock) {
            return commitLocked(changes, message, credentials);
        }
    }

    private Optional<String> commitLocked(Map<String, Optional<String>> changes, String message,
            CredentialsProvider credentials) {
        for (int attempt = 1; ; attempt++) {
            open(credentials, true);
            try {
                boolean changed = false;
                for (Map.Entry<String, Optional<String>> change : changes.entrySet()) {
                    changed |= write(change.getKey(), change.getValue());
                }
                if (!changed) {
                    return Optional.empty();
                }
                for (Map.Entry<String, Optional<String>> change : changes.entrySet()) {
                    if (change.getValue().isPresent()) {
                        git.add().addFilepattern(change.getKey()).call();
                    } else {
                        git.rm().addFilepattern(change.getKey()).setCached(false).call();
                    }
                }
                RevCommit commit = git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false)
                        .setAllowEmpty(false).call();
                if (!remote || pushed(credentials)) {
                    return Optional.of(commit.getId().getName());
                }
                if (attempt == PUSH_ATTEMPTS) {
                    throw new StepFailure("Git repository " + location + ": the push to " + branch + " was rejected "
                            + PUSH_ATTEMPTS + " times because others pushed first; nothing was committed");
                }
                // Another writer pushed first: start again from the remote's newest state.
            } catch (org.eclipse.jgit.api.errors.EmptyCommitException e) {
                return Optional.empty();
            } catch (GitAPIException e) {
                throw new StepFailure("Git repository " + location + ": " + ClusterDelivery.cause(e));
            }
        }
    }

    /** A unified diff of what writing {@code changes} would change, empty when nothing would. */
    List<String> diff(Map<String, Optional<String>> changes, CredentialsProvider credentials) {
        synchronized (lock) {
            return diffLocked(changes, credentials);
        }
    }

    private List<String> diffLocked(Map<String, Optional<String>> changes, CredentialsProvider credentials) {
        open(credentials, true);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Optional<String>> change : changes.entrySet()) {
            Optional<String> before = readFile(change.getKey());
            if (before.equals(change.getValue())) {
                continue;
            }
            RawText a = new RawText(before.orElse("").getBytes(StandardCharsets.UTF_8));
            RawText b = new RawText(change.getValue().orElse("").getBytes(StandardCharsets.UTF_8));
            lines.add("--- " + (before.isPresent() ? "a/" + change.getKey() : "/dev/null"));
            lines.add("+++ " + (change.getValue().isPresent() ? "b/" + change.getKey() : "/dev/null"));
            EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                    .diff(RawTextComparator.DEFAULT, a, b);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DiffFormatter formatter = new DiffFormatter(out)) {
                formatter.format(edits, a, b);
            } catch (IOException e) {
                throw new StepFailure("cannot compute the diff of " + change.getKey() + ": " + e.getMessage());
            }
            out.toString(StandardCharsets.UTF_8).lines().forEach(lines::add);
        }
        return lines;
    }

    String location() {
        return location;
    }

    private Optional<String> readFile(String file) {
        Path path = workTree.resolve(file).normalize();
        if (!path.startsWith(workTree) || path.startsWith(workTree.resolve(Constants.DOT_GIT))) {
            throw new StepFailure("file " + file + " is outside Git repository " + location);
        }
        try {
            return Files.isRegularFile(path) ? Optional.of(Files.readString(path, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new StepFailure("cannot read " + file + " in Git repository " + location + ": " + e.getMessage());
        }
    }

    private boolean write(String file, Optional<String> content) {
        Path path = workTree.resolve(file).normalize();
        if (!path.startsWith(workTree) || path.startsWith(workTree.resolve(Constants.DOT_GIT))) {
            throw new StepFailure("file " + file + " would leave Git repository " + location);
        }
        try {
            if (content.isEmpty()) {
                return Files.deleteIfExists(path);
            }
            if (Files.isRegularFile(path) && Files.readString(path, StandardCharsets.UTF_8).equals(content.get())) {
                return false;
            }
            Files.createDirectories(path.getParent());
            Files.writeString(path, content.get(), StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new StepFailure("cannot write " + file + " in Git repository " + location + ": " + e.getMessage());
        }
    }

    /**
     * Opens the repository (creating or cloning it the first time) and, with {@code refresh}, brings the branch
     * to its newest state (for a remote, a fetch: done once per step, not per read).
     */
    private void open(CredentialsProvider credentials, boolean refresh) {
        try {
            boolean first = git == null;
            if (first) {
                git = remote ? openCheckout(credentials) : openLocal();
            }
            if (remote) {
                if (refresh || first) {
                    sync(credentials);
                }
            } else {
                onBranch();
            }
        } catch (GitAPIException | IOException e) {
            git = null;
            throw new StepFailure("Git repository " + location + ": " + ClusterDelivery.cause(e));
        }
    }

    private Git openLocal() throws GitAPIException, IOException {
        if (Files.isDirectory(workTree.resolve(Constants.DOT_GIT))) {
            return Git.open(workTree.toFile());
        }
        Files.createDirectories(workTree);
        return Git.init().setDirectory(workTree.toFile()).setInitialBranch(branch).call();
    }

    private Git openCheckout(CredentialsProvider credentials) throws GitAPIException, IOException {
        if (Files.isDirectory(workTree.resolve(Constants.DOT_GIT))) {
            return Git.open(workTree.toFile());
        }
        Files.createDirectories(workTree.getParent());
        return Git.cloneRepository().setURI(location).setDirectory(workTree.toFile()).setNoCheckout(true)
                .setCredentialsProvider(credentials).call();
    }

    /** The private checkout, reset to the remote branch (or to an empty branch when the remote has none yet). */
    private void sync(CredentialsProvider credentials) throws GitAPIException, IOException {
        git.fetch().setRemote(Constants.DEFAULT_REMOTE_NAME).setCredentialsProvider(credentials).setRemoveDeletedRefs(true)
                .call();
        Repository repository = git.getRepository();
        Ref upstream = repository.exactRef(Constants.R_REMOTES + Constants.DEFAULT_REMOTE_NAME + "/" + branch);
        if (upstream == null) {
            linkHead();
            if (repository.resolve(Constants.HEAD) != null) {
                // The remote lost the branch: start it again from nothing.
                RefUpdate delete = repository.updateRef(Constants.R_HEADS + branch);
                delete.setForceUpdate(true);
                delete.delete();
                linkHead();
            }
            git.reset().setMode(ResetCommand.ResetType.HARD).call();
        } else {
            RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(upstream.getObjectId());
            update.setForceUpdate(true);
            update.update();
            linkHead();
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(upstream.getName()).call();
        }
        git.clean().setCleanDirectories(true).setForce(true).call();
    }

    /** A local repository shared with people: switches to the branch, creating it from HEAD when missing. */
    private void onBranch() throws GitAPIException, IOException {
        Repository repository = git.getRepository();
        if (branch.equals(repository.getBranch())) {
            return;
        }
        if (repository.resolve(Constants.HEAD) == null) {
            linkHead();
            return;
        }
        boolean exists = repository.exactRef(Constants.R_HEADS + branch) != null;
        git.checkout().setName(branch).setCreateBranch(!exists).call();
    }

    private void linkHead() throws IOException {
        RefUpdate head = git.getRepository().updateRef(Constants.HEAD);
        head.disableRefLog();
        head.link(Constants.R_HEADS + branch);
    }

    private boolean pushed(CredentialsProvider credentials) throws GitAPIException {
        Iterable<PushResult> results = git.push().setRemote(Constants.DEFAULT_REMOTE_NAME).setCredentialsProvider(credentials)
                .add(Constants.R_HEADS + branch).call();
        for (PushResult result : results) {
            for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                switch (update.getStatus()) {
                    case OK, UP_TO_DATE -> { }
                    case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                        return false;
                    }
                    default -> throw new StepFailure("Git repository " + location + ": push to " + branch + " failed: "
                            + update.getStatus() + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
                }
            }
        }
        return true;
    }

    private static boolean isBare(Path local) {
        if (local == null || !Files.isDirectory(local) || Files.exists(local.resolve(Constants.DOT_GIT))) {
            return false;
        }
        try (Repository repository = new FileRepositoryBuilder().setGitDir(local.toFile()).setMustExist(true).build()) {
            return repository.isBare();
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String checkoutName(String location, String branch) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((location + "\n" + branch)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
