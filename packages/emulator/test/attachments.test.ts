import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, DOC, driveFile, FORM, PDF, precondition, school, type School } from './helpers/classwork-fixtures.js';
import { failure, invalid, startEmulator, STORES } from './helpers/harness.js';

describe.each(STORES)('attachments and the emulated Drive on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'attach.example', 1);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  const workCount = async () =>
    ((await s.teacher.api.courses.courseWork.list({ courseId, courseWorkStates: ['PUBLISHED', 'DRAFT'] })).data.courseWork ?? []).length;

  it('the admin API creates, shares, lists and deletes Drive files', async () => {
    const file = await emulator.admin.createDriveFile({ title: 'Syllabus', mimeType: PDF, owner: s.teacher.email });
    expect(file).toMatchObject({ title: 'Syllabus', mimeType: PDF, owner: s.teacher.email, sharedWith: [], anyoneWithLink: false });
    expect(file.id).toMatch(/^1[A-Za-z0-9_-]{32}$/);
    expect(file.alternateLink).toBe(`https://drive.google.com/file/d/${file.id}/view?usp=drive_web`);
    const shared = await emulator.admin.patchDriveFile(file.id, { sharedWith: ['Someone@Attach.example'] });
    expect(shared.sharedWith).toEqual(['someone@attach.example']);
    expect((await emulator.admin.driveFiles({ owner: s.teacher.email })).files.map((f) => f.id)).toContain(file.id);
    await emulator.admin.deleteDriveFile(file.id);
    await expect(emulator.admin.driveFile(file.id)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('the admin API refuses a malformed file, naming the field', async () => {
    const bad = (await emulator.admin.createDriveFile({ title: 'X', mimeType: DOC, owner: 'not-an-address' }).catch((e: unknown) => e)) as { httpStatus: number; body: unknown };
    expect(bad.httpStatus).toBe(400);
    const message = '"not-an-address" is not an email address.';
    expect(bad.body).toEqual(invalid(message, 'owner'));
    expect((await emulator.admin.driveFiles({ owner: 'not-an-address' })).files).toEqual([]);
  });

  it('materials show the Drive file, form, link and video details', async () => {
    const doc = await driveFile(emulator, s.teacher, 'Worksheet');
    const quiz = await driveFile(emulator, s.teacher, 'Quiz', FORM);
    const { data } = await s.teacher.api.courses.courseWork.create({
      courseId,
      requestBody: {
        title: 'Read and watch',
        workType: 'ASSIGNMENT',
        materials: [
          { driveFile: { driveFile: { id: doc.id }, shareMode: 'STUDENT_COPY' } },
          { form: { formUrl: `https://docs.google.com/forms/d/${quiz.id}/viewform` } },
          { link: { url: 'https://example.org/reading' } },
          { link: { url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' } },
        ],
      },
    });
    expect(data.materials).toEqual([
      { driveFile: { driveFile: { id: doc.id, title: 'Worksheet', alternateLink: `https://docs.google.com/document/d/${doc.id}/edit`, thumbnailUrl: doc.thumbnailUrl }, shareMode: 'STUDENT_COPY' } },
      { form: { formUrl: `https://docs.google.com/forms/d/${quiz.id}/viewform`, title: 'Quiz', thumbnailUrl: quiz.thumbnailUrl } },
      { link: { url: 'https://example.org/reading', title: 'https://example.org/reading', thumbnailUrl: 'https://classroom.google.com/webthumbnail?url=https%3A%2F%2Fexample.org%2Freading' } },
      { youtubeVideo: { id: 'dQw4w9WgXcQ', alternateLink: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', thumbnailUrl: 'https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg' } },
    ]);
  });

  it('STUDENT_COPY gives each student their own copy when they open the work', async () => {
    const [student] = s.students as [School['students'][0]];
    const template = await driveFile(emulator, s.teacher, 'Lab sheet');
    const { data: work } = await s.teacher.api.courses.courseWork.create({
      courseId,
      requestBody: { title: 'Fill in', workType: 'ASSIGNMENT', state: 'PUBLISHED', materials: [{ driveFile: { driveFile: { id: template.id }, shareMode: 'STUDENT_COPY' } }] },
    });
    const unopened = (await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    expect(unopened.assignmentSubmission).toBeUndefined();
    const opened = (await student.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    const copy = opened.assignmentSubmission!.attachments![0]!.driveFile!;
    expect(copy.title).toBe(`${(await emulator.admin.getUser(student.email)).name.fullName} - Lab sheet`);
    expect(copy.id).not.toBe(template.id);
    expect(await emulator.admin.driveFile(copy.id!)).toMatchObject({ owner: student.email, sharedWith: [s.teacher.email], mimeType: DOC });
    const again = (await student.api.courses.courseWork.studentSubmissions.get({ courseId, courseWorkId: work.id!, id: opened.id! })).data;
    expect(again.assignmentSubmission!.attachments).toHaveLength(1);
  });

  it('a link to a Drive file becomes a Drive material, visibility checked; other links stay links', async () => {
    const doc = await driveFile(emulator, s.teacher, 'Shared notes');
    const { data } = await s.teacher.api.courses.courseWorkMaterials.create({
      courseId,
      requestBody: { title: 'Notes', materials: [{ link: { url: `https://docs.google.com/document/d/${doc.id}/edit` } }, { link: { url: 'https://docs.google.com/document/d/1unknownunknownunknownunknown0000/edit' } }] },
    });
    expect(data.materials?.[0]).toEqual({ driveFile: { driveFile: { id: doc.id, title: 'Shared notes', alternateLink: doc.alternateLink, thumbnailUrl: doc.thumbnailUrl }, shareMode: 'VIEW' } });
    expect(data.materials?.[1]?.link?.url).toBe('https://docs.google.com/document/d/1unknownunknownunknownunknown0000/edit');
    const secret = await driveFile(emulator, s.admin, 'Private');
    const { body } = await failure(
      s.teacher.api.courses.courseWorkMaterials.create({ courseId, requestBody: { title: 'Leak', materials: [{ link: { url: `https://docs.google.com/document/d/${secret.id}/edit` } }] } }),
    );
    expect(body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${secret.id} is not shared with ${s.teacher.email}.`));
  });

  it('AttachmentNotVisible on courseWork.create: the Drive file does not exist', async () => {
    const before = await workCount();
    const missing = '1NoSuchFileNoSuchFileNoSuchFile00';
    const { status, body } = await failure(
      s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Ghost', workType: 'ASSIGNMENT', materials: [{ driveFile: { driveFile: { id: missing } } }] } }),
    );
    expect(status).toBe(400);
    expect(body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${missing} does not exist.`));
    expect(await workCount()).toBe(before);
  });

  it('AttachmentNotVisible on courseWork.create: the file has the wrong type (a form attached as a Drive file, a document as a form)', async () => {
    const before = await workCount();
    const quiz = await driveFile(emulator, s.teacher, 'Pop quiz', FORM);
    const asFile = await failure(
      s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Quiz', workType: 'ASSIGNMENT', materials: [{ driveFile: { driveFile: { id: quiz.id } } }] } }),
    );
    expect(asFile.body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${quiz.id} is a Google Form; attach it as a form, not as a Drive file.`));
    const doc = await driveFile(emulator, s.teacher, 'Notes', DOC);
    const asForm = await failure(
      s.teacher.api.courses.courseWork.create({
        courseId,
        requestBody: { title: 'Quiz', workType: 'ASSIGNMENT', materials: [{ form: { formUrl: `https://docs.google.com/forms/d/${doc.id}/viewform` } }] },
      }),
    );
    expect(asForm.body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${doc.id} is not a Google Form, so it cannot be attached as a form.`));
    expect(await workCount()).toBe(before);
  });

  it('AttachmentNotVisible on courseWork.create: the file is not shared with the teacher, until it is', async () => {
    const before = await workCount();
    const secret = await driveFile(emulator, s.admin, 'Answer key');
    const request = { courseId, requestBody: { title: 'Answers', workType: 'ASSIGNMENT', materials: [{ driveFile: { driveFile: { id: secret.id } } }] } };
    const { status, body } = await failure(s.teacher.api.courses.courseWork.create(request));
    expect(status).toBe(400);
    expect(body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${secret.id} is not shared with ${s.teacher.email}.`));
    expect(await workCount()).toBe(before);
    await emulator.admin.patchDriveFile(secret.id, { sharedWith: [s.teacher.email] });
    const { data } = await s.teacher.api.courses.courseWork.create(request);
    expect(data.materials?.[0]?.driveFile?.driveFile?.title).toBe('Answer key');
  });

  it('AttachmentNotVisible on modifyAttachments: a student attaches a file nobody shared with them', async () => {
    const [student] = s.students as [School['students'][0]];
    const { data: work } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Essay', workType: 'ASSIGNMENT', state: 'PUBLISHED' } });
    const sub = (await student.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    const teachers = await driveFile(emulator, s.teacher, "Teacher's copy");
    const ref = { courseId, courseWorkId: work.id!, id: sub.id! };
    const { status, body } = await failure(
      student.api.courses.courseWork.studentSubmissions.modifyAttachments({ ...ref, requestBody: { addAttachments: [{ driveFile: { id: teachers.id } }] } }),
    );
    expect(status).toBe(400);
    expect(body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${teachers.id} is not shared with ${student.email}.`));
    const after = (await student.api.courses.courseWork.studentSubmissions.get(ref)).data;
    expect(after.assignmentSubmission).toEqual({});
    expect(after.updateTime).toBe(sub.updateTime);
  });

  it('AttachmentNotVisible on announcements.create', async () => {
    const hidden = await driveFile(emulator, s.admin, 'Staff only', PDF);
    const { status, body } = await failure(
      s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'See attached', state: 'PUBLISHED', materials: [{ driveFile: { driveFile: { id: hidden.id } } }] } }),
    );
    expect(status).toBe(400);
    expect(body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${hidden.id} is not shared with ${s.teacher.email}.`));
    const listed = await s.teacher.api.courses.announcements.list({ courseId, announcementStates: ['PUBLISHED', 'DRAFT'] });
    expect(listed.data.announcements).toBeUndefined();
  });

  it('more than 20 materials is INVALID_ARGUMENT naming the field', async () => {
    const links = Array.from({ length: 21 }, (_, i) => ({ link: { url: `https://example.org/${i}` } }));
    const { status, body } = await failure(s.teacher.api.courses.courseWorkMaterials.create({ courseId, requestBody: { title: 'Links', materials: links } }));
    expect(status).toBe(400);
    const message = 'No more than 20 materials may be attached; 21 were given.';
    expect(body).toEqual(invalid(message, 'course_work_material.materials'));
  });
});
